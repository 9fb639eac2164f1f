# How the root module wires the API, the Lambda authorizer and the sample backend together.
# From the repository root: terraform test -test-directory=test/terraform/root
#
# A test sees the resources of the module under test and the outputs of its child modules; the
# resources inside modules/* are asserted by their own suites, and test/terraform.test.ts plans
# the whole tree offline to check nested values.

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  tenant_id = "11111111-2222-3333-4444-555555555555"
  audience  = "api://entra-authz-test"
  tags      = { Project = "entra-authz-test" }
}

run "defaults_give_the_authorizer_its_contract_and_the_stage_logs_and_throttling" {
  assert {
    condition = module.entra_authorizer[0].environment_variables == tomap({
      ENTRA_TENANT_ID                = "11111111-2222-3333-4444-555555555555"
      ENTRA_AUDIENCE                 = "api://entra-authz-test"
      ENTRA_TOKEN_VERSIONS           = "1.0,2.0"
      ENTRA_JWKS_KEY_RETENTION_HOURS = "48"
      ENTRA_CLOUD                    = "public"
      AUTHZ_RESPONSE_MODE            = "iam"
      AUTHZ_TOKEN_CACHE_SECONDS      = "300"
    })
    error_message = "Default authorizer environment is wrong: ${jsonencode(module.entra_authorizer[0].environment_variables)}"
  }

  assert {
    condition     = module.entra_authorizer[0].function_name == "entra-authz-authorizer" && module.response_function[0].function_name == "entra-authz-response"
    error_message = "The functions must be named <name>-authorizer and <name>-response."
  }

  assert {
    condition     = module.entra_authorizer[0].log_group_name == "/aws/lambda/entra-authz-authorizer" && module.response_function[0].log_group_name == "/aws/lambda/entra-authz-response"
    error_message = "Each function must log to its own /aws/lambda/<function> group."
  }

  assert {
    condition     = module.entra_authorizer[0].layer_arn == "arn:aws:lambda:us-east-1:123456789012:layer:entra-authz-jwt-verify:1"
    error_message = "The authorizer must run with the layer it publishes."
  }

  assert {
    condition     = module.entra_authorizer[0].identity_sources == toset(["$request.header.Authorization"])
    error_message = "Without route rules the Authorization header alone is the identity source."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.name == "$default" && aws_apigatewayv2_stage.this.auto_deploy == true
    error_message = "The API must have an auto-deployed $default stage."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access_logs[0].arn && aws_cloudwatch_log_group.access_logs[0].name == "/aws/apigateway/entra-authz" && aws_cloudwatch_log_group.access_logs[0].retention_in_days == 365
    error_message = "Access logs must be on by default, into /aws/apigateway/<name>, kept a year."
  }

  assert {
    condition = { for field in ["requestId", "routeKey", "status", "authorizerError", "callerObjectId", "callerTenantId", "callerClientId"] : field => jsondecode(aws_apigatewayv2_stage.this.access_log_settings[0].format)[field] } == {
      requestId       = "$context.requestId"
      routeKey        = "$context.routeKey"
      status          = "$context.status"
      authorizerError = "$context.authorizer.error"
      callerObjectId  = "$context.authorizer.oid"
      callerTenantId  = "$context.authorizer.tid"
      callerClientId  = "$context.authorizer.clientId"
    }
    error_message = "The default access log line must be JSON with the request, the route, the status, the authorizer's error and the caller from the authorizer's context."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.default_route_settings[0].throttling_burst_limit == 200 && aws_apigatewayv2_stage.this.default_route_settings[0].throttling_rate_limit == 100 && aws_apigatewayv2_stage.this.default_route_settings[0].detailed_metrics_enabled == false
    error_message = "Every route must be throttled by default (burst 200, 100 per second), without detailed metrics."
  }

  assert {
    condition = alltrue([for tags in [
      aws_apigatewayv2_api.this.tags,
      aws_apigatewayv2_stage.this.tags,
      aws_cloudwatch_log_group.access_logs[0].tags,
    ] : tags == tomap({ Project = "entra-authz-test" })])
    error_message = "The API, its stage and its access log group must carry var.tags."
  }
}

run "authorizer_gets_every_option" {
  variables {
    routes = {
      "GET /reports"    = { roles = ["Reports.Read.All"], clients = ["04b07795-8ddb-461a-bbee-02f9e1bf7b46"] }
      "ANY /items/{id}" = { scopes = ["api.read"], condition = "claims.tid == \"11111111-2222-3333-4444-555555555555\"" }
      "GET /auth"       = {}
      "GET /health"     = { authorization = "none" }
    }
    additional_audiences         = ["00000000-1111-2222-3333-444444444444"]
    token_versions               = ["2.0"]
    cloud                        = "china"
    authority_host               = "login.partner.microsoftonline.cn"
    jwks_uri                     = "https://login.partner.microsoftonline.cn/11111111-2222-3333-4444-555555555555/discovery/v2.0/keys"
    allowed_tenant_ids           = ["00000000-1111-2222-3333-555555555555"]
    allowed_client_ids           = ["04b07795-8ddb-461a-bbee-02f9e1bf7b46"]
    verified_token_cache_seconds = 60
  }

  assert {
    condition = module.entra_authorizer[0].environment_variables == tomap({
      ENTRA_TENANT_ID                = "11111111-2222-3333-4444-555555555555"
      ENTRA_AUDIENCE                 = "api://entra-authz-test,00000000-1111-2222-3333-444444444444"
      ENTRA_TOKEN_VERSIONS           = "2.0"
      ENTRA_JWKS_KEY_RETENTION_HOURS = "48"
      ENTRA_CLOUD                    = "china"
      ENTRA_AUTHORITY_HOST           = "login.partner.microsoftonline.cn"
      ENTRA_JWKS_URI                 = "https://login.partner.microsoftonline.cn/11111111-2222-3333-4444-555555555555/discovery/v2.0/keys"
      ENTRA_ALLOWED_TENANT_IDS       = "00000000-1111-2222-3333-555555555555"
      ENTRA_ALLOWED_CLIENT_IDS       = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
      AUTHZ_RESPONSE_MODE            = "iam"
      AUTHZ_TOKEN_CACHE_SECONDS      = "60"
      AUTHZ_ROUTE_PERMISSIONS        = "{\"ANY /items/{id}\":{\"condition\":\"claims.tid == \\\"11111111-2222-3333-4444-555555555555\\\"\",\"scopes\":[\"api.read\"]},\"GET /auth\":{},\"GET /reports\":{\"clients\":[\"04b07795-8ddb-461a-bbee-02f9e1bf7b46\"],\"roles\":[\"Reports.Read.All\"]}}"
    })
    error_message = "Authorizer environment is wrong: ${jsonencode(module.entra_authorizer[0].environment_variables)}"
  }
}

# AUTHZ_ROUTE_PERMISSIONS, when some entra route has a rule: one entry per entra route ({} for the
# baseline), no public route, no "*".
run "rules_name_every_entra_route_and_no_public_one" {
  command = plan

  variables {
    routes = {
      "GET /a"      = { scopes = ["a.read"] }
      "GET /b"      = {}
      "GET /health" = { authorization = "none" }
    }
  }

  assert {
    condition     = jsondecode(module.entra_authorizer[0].environment_variables["AUTHZ_ROUTE_PERMISSIONS"]) == { "GET /a" = { scopes = ["a.read"] }, "GET /b" = {} }
    error_message = "Rules must name every entra route and no public one: ${module.entra_authorizer[0].environment_variables["AUTHZ_ROUTE_PERMISSIONS"]}"
  }

  # With route rules an answer is one route's, and API Gateway reuses a cached answer for any route
  # with the same identity sources: the route key must be one of them in both modes, at any TTL.
  assert {
    condition     = module.entra_authorizer[0].identity_sources == toset(["$request.header.Authorization", "$context.routeKey"]) && module.entra_authorizer[0].environment_variables["AUTHZ_RESPONSE_MODE"] == "iam"
    error_message = "In iam mode with route rules the identity sources must be the Authorization header and the route key."
  }
}

run "without_rules_the_authorizer_gets_no_route_permissions_and_keys_by_token" {
  command = plan

  variables {
    authorizer_response_mode = "simple"
    routes = {
      "GET /a"      = {}
      "GET /health" = { authorization = "none" }
    }
  }

  assert {
    condition     = !contains(keys(module.entra_authorizer[0].environment_variables), "AUTHZ_ROUTE_PERMISSIONS")
    error_message = "Without rules the authorizer applies the baseline to every route: no AUTHZ_ROUTE_PERMISSIONS."
  }

  assert {
    condition     = module.entra_authorizer[0].identity_sources == toset(["$request.header.Authorization"])
    error_message = "Without route rules every route gets the same answer, also in simple mode: the token is a safe key."
  }
}

run "route_rules_key_the_cache_by_route_in_simple_mode_without_caching" {
  command = plan

  variables {
    authorizer_response_mode     = "simple"
    authorizer_cache_ttl_seconds = 0
    routes                       = { "GET /auth" = { scopes = ["api.read"] } }
  }

  assert {
    condition     = module.entra_authorizer[0].identity_sources == toset(["$request.header.Authorization", "$context.routeKey"]) && module.entra_authorizer[0].environment_variables["AUTHZ_RESPONSE_MODE"] == "simple"
    error_message = "In simple mode, at any TTL, the identity sources must be the Authorization header and the route key."
  }
}

run "stage_settings_are_configurable" {
  command = plan

  variables {
    access_log_enabled       = false
    throttling_burst_limit   = 20
    throttling_rate_limit    = 5.5
    detailed_metrics_enabled = true
  }

  assert {
    condition     = length(aws_apigatewayv2_stage.this.access_log_settings) == 0 && length(aws_cloudwatch_log_group.access_logs) == 0
    error_message = "access_log_enabled = false must drop the access log and its group."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.default_route_settings[0].throttling_burst_limit == 20 && aws_apigatewayv2_stage.this.default_route_settings[0].throttling_rate_limit == 5.5 && aws_apigatewayv2_stage.this.default_route_settings[0].detailed_metrics_enabled == true
    error_message = "Throttling and detailed metrics must reach the stage."
  }
}

run "own_access_log_format_retention_and_key_are_used" {
  command = plan

  variables {
    access_log_format            = "$context.requestId $context.status $context.authorizer.error"
    access_log_retention_in_days = 90
    kms_key_id                   = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.access_log_settings[0].format == "$context.requestId $context.status $context.authorizer.error"
    error_message = "access_log_format must replace the default format."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access_logs[0].retention_in_days == 90 && aws_cloudwatch_log_group.access_logs[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "The access log group must take its own retention and the KMS key."
  }
}

run "iam_guardrails_reach_every_role" {
  variables {
    role_permissions_boundary = "arn:aws:iam::123456789012:policy/workload-boundary"
  }

  assert {
    condition     = keys(output.iam_roles) == ["authorizer", "response"] && alltrue([for role in values(output.iam_roles) : role.permissions_boundary == "arn:aws:iam::123456789012:policy/workload-boundary"])
    error_message = "Every role the module creates must carry the boundary: ${jsonencode(output.iam_roles)}"
  }
}

run "an_existing_role_serves_both_functions" {
  variables {
    create_role = false
    role_arn    = "arn:aws:iam::123456789012:role/platform/lambda-execution"
  }

  assert {
    condition     = alltrue([for role in values(output.iam_roles) : role.arn == "arn:aws:iam::123456789012:role/platform/lambda-execution" && role.name == null])
    error_message = "Both functions must use the given role, and no role may be created: ${jsonencode(output.iam_roles)}"
  }
}

