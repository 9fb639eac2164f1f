// CDK for Terraform consumer of the root module: synthesizes a stack that deploys the protected
// HTTP API. CDKTF is deprecated (see README.md); this folder installs it on its own (`npm ci` here).
// Run `npm run synth` (or `npx cdktf synth`), then terraform in cdktf.out/stacks/entra-api.
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  App,
  TerraformHclModule,
  TerraformOutput,
  TerraformProvider,
  TerraformStack,
  TerraformVariable,
} from "cdktf";
import type { Construct } from "constructs";

const STACK_ID = "entra-api";
const MODULE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The AWS provider block, declared by hand so the example needs no generated bindings. A project
 * that also manages AWS resources from CDKTF would use AwsProvider from @cdktf/provider-aws instead.
 */
class AwsProvider extends TerraformProvider {
  private readonly region: string;

  constructor(scope: Construct, id: string, region: string) {
    super(scope, id, {
      terraformResourceType: "aws",
      terraformProviderSource: "hashicorp/aws",
      terraformGeneratorMetadata: { providerName: "aws", providerVersionConstraint: ">= 5.0, < 7.0" },
    });
    this.region = region;
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { region: this.region };
  }
}

class EntraApiStack extends TerraformStack {
  constructor(scope: Construct, id: string, stackDir: string) {
    super(scope, id);

    const region = new TerraformVariable(this, "region", {
      type: "string",
      default: "us-east-1",
      description: "AWS Region to deploy to.",
    });
    const tenantId = new TerraformVariable(this, "tenant_id", {
      type: "string",
      description: "Entra tenant ID (a GUID).",
    });
    const audience = new TerraformVariable(this, "audience", {
      type: "string",
      description: "Application ID URI of the API app registration, such as api://entra-authz-demo.",
    });

    new AwsProvider(this, "aws", region.stringValue);

    const api = new TerraformHclModule(this, "entra_api", {
      // A path relative to the synthesized stack, so Terraform reads the module in place instead of
      // CDKTF copying the whole repository into cdktf.out as an asset.
      source: path.relative(stackDir, MODULE_ROOT),
      skipAssetCreationFromLocalModules: true,
      variables: {
        name: "entra-authz-cdktf",
        tenant_id: tenantId.stringValue,
        audience: audience.stringValue,
        // routes defaults to { "GET /auth" = {} }. Route keys map to their rules, for example:
        // routes: { "GET /orders": { scopes: ["Orders.Read"] }, "GET /health": { authorization: "none" } },
        tags: { Example: "cdktf" },
      },
    });

    new TerraformOutput(this, "api_endpoint", {
      description: "Base URL of the HTTP API.",
      value: api.getString("api_endpoint"),
    });
    new TerraformOutput(this, "route_urls", {
      description: "URL of each route, by route key.",
      value: api.get("route_urls") as unknown,
    });
  }
}

const app = new App();
new EntraApiStack(app, STACK_ID, path.resolve(app.outdir, "stacks", STACK_ID));
app.synth();
