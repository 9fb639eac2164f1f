provider "aws" {
  region = var.region
}

################################################################################
# GraphQL API
################################################################################

resource "aws_appsync_graphql_api" "this" {
  name                = var.name
  authentication_type = "AWS_LAMBDA"
  schema              = file("${path.module}/schema.graphql")

  lambda_authorizer_config {
    authorizer_uri                   = module.entra_authorizer.function_arn
    authorizer_result_ttl_in_seconds = module.entra_authorizer.authorizer_result_ttl_in_seconds
  }
}

# A data source without a backend: the resolvers below answer from the request alone.
resource "aws_appsync_datasource" "none" {
  api_id = aws_appsync_graphql_api.this.id
  name   = "none"
  type   = "NONE"
}

resource "aws_appsync_resolver" "this" {
  for_each = {
    "Query.tasks"         = "return [{ id: '1', title: 'Read the security model' }];"
    "Mutation.createTask" = "return { id: util.autoId(), title: ctx.arguments.title };"
    "Mutation.deleteTask" = "return ctx.arguments.id;"
  }

  api_id      = aws_appsync_graphql_api.this.id
  type        = split(".", each.key)[0]
  field       = split(".", each.key)[1]
  data_source = aws_appsync_datasource.none.name

  runtime {
    name            = "APPSYNC_JS"
    runtime_version = "1.0.0"
  }

  code = <<-JS
    import { util } from '@aws-appsync/utils';
    export function request(ctx) { return {}; }
    export function response(ctx) { ${each.value} }
  JS
}

################################################################################
# Entra ID authorizer
################################################################################

module "entra_authorizer" {
  source = "../../modules/appsync-authorizer"

  graphql_api_arn = aws_appsync_graphql_api.this.arn

  name                 = "${var.name}-authorizer"
  tenant_id            = var.tenant_id
  audience             = var.audience
  additional_audiences = var.api_client_id == null ? [] : [var.api_client_id]

  # "*": using the API at all (any token with a scope or a role); each field its own rule. A token
  # without a field's right gets it in deniedFields, and AppSync answers that field null.
  field_permissions = {
    "*"                   = {}
    "Mutation.createTask" = { scopes = ["Tasks.Write"], roles = ["Tasks.Write"] }
    "Mutation.deleteTask" = { roles = ["Tasks.Admin"] }
  }
}
