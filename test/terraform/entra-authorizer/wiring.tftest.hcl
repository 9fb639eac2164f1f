# modules/entra-authorizer on its own, attached to an existing API known only by its ID and ARN.
# Its function is built with modules/function (asserted in test/terraform/function); here it is
# seen through that module's outputs.
# From the repository root: terraform test -test-directory=test/terraform/entra-authorizer

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  api_id            = "x9y8z7w6v5"
  api_execution_arn = "arn:aws:execute-api:eu-west-1:210987654321:x9y8z7w6v5"
  tenant_id         = "11111111-2222-3333-4444-555555555555"
  audience          = "api://orders"
  tags              = { Team = "orders" }
}

run "defaults_give_a_cached_request_authorizer_its_function_layer_environment_and_permission" {

  module {
    source = "./modules/entra-authorizer"
  }
  assert {
    condition     = module.lambda.function_name == "entra-authorizer" && module.lambda.log_group_name == "/aws/lambda/entra-authorizer" && module.lambda.role_name == "entra-authorizer"
    error_message = "The function, its log group and its role must be named after var.name."
  }

  assert {
    condition     = module.lambda.layers == tolist([module.lambda.layer_arn]) && output.layer_arn == "arn:aws:lambda:us-east-1:123456789012:layer:entra-authz-jwt-verify:1"
    error_message = "The function must use exactly the layer version published with it."
  }

  assert {
    condition = output.environment_variables == tomap({
      ENTRA_TENANT_ID                = "11111111-2222-3333-4444-555555555555"
      ENTRA_AUDIENCE                 = "api://orders"
      ENTRA_TOKEN_VERSIONS           = "1.0,2.0"
      ENTRA_JWKS_KEY_RETENTION_HOURS = "48"
      ENTRA_CLOUD                    = "public"
      AUTHZ_RESPONSE_MODE            = "iam"
      AUTHZ_TOKEN_CACHE_SECONDS      = "300"
    })
    error_message = "Default environment is wrong: ${jsonencode(output.environment_variables)}"
  }

  assert {
    condition     = module.lambda.function_environment_variables == output.environment_variables
    error_message = "environment_variables must be the function's environment."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.api_id == "x9y8z7w6v5" && aws_apigatewayv2_authorizer.this.name == "entra-authorizer"
    error_message = "The authorizer must be attached to the given API."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.authorizer_type == "REQUEST" && aws_apigatewayv2_authorizer.this.authorizer_payload_format_version == "2.0" && aws_apigatewayv2_authorizer.this.enable_simple_responses == false
    error_message = "The authorizer must be a REQUEST authorizer with payload format 2.0 and IAM policy responses."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.identity_sources == toset(["$request.header.Authorization"]) && aws_apigatewayv2_authorizer.this.authorizer_result_ttl_in_seconds == 300
    error_message = "Without route rules the Authorization header alone is the identity source, cached 300 s."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.authorizer_uri == module.lambda.invoke_arn && output.authorizer_id == "abc123"
    error_message = "The authorizer must invoke the authorizer function."
  }

  assert {
    condition     = aws_lambda_permission.authorizer.source_arn == "arn:aws:execute-api:eu-west-1:210987654321:x9y8z7w6v5/authorizers/abc123"
    error_message = "The permission must be scoped to this API's authorizer: ${aws_lambda_permission.authorizer.source_arn}"
  }

  assert {
    condition     = aws_lambda_permission.authorizer.function_name == "entra-authorizer" && aws_lambda_permission.authorizer.principal == "apigateway.amazonaws.com" && aws_lambda_permission.authorizer.action == "lambda:InvokeFunction"
    error_message = "API Gateway must be allowed to invoke the authorizer function."
  }
}

run "environment_follows_the_contract_with_every_option" {

  module {
    source = "./modules/entra-authorizer"
  }
  variables {
    additional_audiences         = ["11111111-2222-3333-4444-555555555555", "api://orders"]
    token_versions               = ["2.0", "1.0", "2.0"]
    cloud                        = "usgov"
    authority_host               = "127.0.0.1:8443"
    jwks_uri                     = "https://127.0.0.1:8443/common/discovery/v2.0/keys"
    allowed_tenant_ids           = ["00000000-1111-2222-3333-444444444444", "00000000-1111-2222-3333-555555555555"]
    allowed_client_ids           = ["04b07795-8ddb-461a-bbee-02f9e1bf7b46"]
    response_mode                = "simple"
    verified_token_cache_seconds = 0
    route_permissions = {
      "GET /orders"        = { scopes = ["orders.read"] }
      "POST /orders"       = { scopes = ["orders.write"], roles = ["Orders.Admin"], clients = ["04b07795-8ddb-461a-bbee-02f9e1bf7b46"] }
      "ANY /orders/{id}"   = { roles = ["Orders.Admin"], condition = "claims.tid == \"11111111-2222-3333-4444-555555555555\"" }
      "$default"           = {}
      "DELETE /orders/all" = { scopes = [], roles = null, clients = [], condition = null }
      "*"                  = { scopes = ["orders.all"] }
    }
  }

  assert {
    condition = output.environment_variables == tomap({
      ENTRA_TENANT_ID                = "11111111-2222-3333-4444-555555555555"
      ENTRA_AUDIENCE                 = "api://orders,11111111-2222-3333-4444-555555555555"
      ENTRA_TOKEN_VERSIONS           = "1.0,2.0"
      ENTRA_JWKS_KEY_RETENTION_HOURS = "48"
      ENTRA_CLOUD                    = "usgov"
      ENTRA_AUTHORITY_HOST           = "127.0.0.1:8443"
      ENTRA_JWKS_URI                 = "https://127.0.0.1:8443/common/discovery/v2.0/keys"
      ENTRA_ALLOWED_TENANT_IDS       = "00000000-1111-2222-3333-444444444444,00000000-1111-2222-3333-555555555555"
      ENTRA_ALLOWED_CLIENT_IDS       = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
      AUTHZ_RESPONSE_MODE            = "simple"
      AUTHZ_TOKEN_CACHE_SECONDS      = "0"
      AUTHZ_ROUTE_PERMISSIONS        = "{\"$default\":{},\"*\":{\"scopes\":[\"orders.all\"]},\"ANY /orders/{id}\":{\"condition\":\"claims.tid == \\\"11111111-2222-3333-4444-555555555555\\\"\",\"roles\":[\"Orders.Admin\"]},\"DELETE /orders/all\":{},\"GET /orders\":{\"scopes\":[\"orders.read\"]},\"POST /orders\":{\"clients\":[\"04b07795-8ddb-461a-bbee-02f9e1bf7b46\"],\"roles\":[\"Orders.Admin\"],\"scopes\":[\"orders.write\"]}}"
    })
    error_message = "Environment is wrong: ${jsonencode(output.environment_variables)}"
  }

  # Empty parts are left out to save bytes, and [] and null mean the same: absent.
  assert {
    condition     = jsondecode(output.environment_variables["AUTHZ_ROUTE_PERMISSIONS"])["DELETE /orders/all"] == {} && jsondecode(output.environment_variables["AUTHZ_ROUTE_PERMISSIONS"])["GET /orders"] == { scopes = ["orders.read"] }
    error_message = "AUTHZ_ROUTE_PERMISSIONS must carry only the parts that are set."
  }
}

# With route rules an answer is one route's (simple: its isAuthorized; iam: an Allow naming only the
# requested route), and API Gateway reuses a cached answer for any route with the same identity
# sources: the route must be one of them, in both modes and whatever the TTL.
run "route_rules_key_the_cache_by_route_in_simple_mode" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    response_mode     = "simple"
    cache_ttl_seconds = 60
    route_permissions = { "GET /orders" = { scopes = ["orders.read"] } }
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.enable_simple_responses == true
    error_message = "simple mode must enable simple responses."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.identity_sources == toset(["$request.header.Authorization", "$context.routeKey"])
    error_message = "With route rules a simple answer must be keyed by token and route."
  }
}

run "route_rules_key_the_cache_by_route_in_iam_mode" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    route_permissions = { "GET /orders" = { scopes = ["orders.read"] }, "*" = { roles = ["Orders.Admin"] } }
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.enable_simple_responses == false
    error_message = "iam mode must not enable simple responses."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.identity_sources == toset(["$request.header.Authorization", "$context.routeKey"])
    error_message = "With route rules an IAM answer (an Allow naming one route) must be keyed by token and route."
  }
}

run "route_rules_key_the_cache_by_route_without_caching" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    response_mode     = "simple"
    cache_ttl_seconds = 0
    route_permissions = { "GET /orders" = { scopes = ["orders.read"] } }
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.identity_sources == toset(["$request.header.Authorization", "$context.routeKey"]) && aws_apigatewayv2_authorizer.this.authorizer_result_ttl_in_seconds == 0
    error_message = "The identity sources must not depend on the TTL: they are also the cache key once caching is turned on."
  }
}

run "without_route_rules_the_token_is_the_key_in_simple_mode" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    response_mode = "simple"
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.identity_sources == toset(["$request.header.Authorization"])
    error_message = "Without route rules every route gets the same answer: the token is a safe key."
  }
}

run "an_existing_layer_is_reused" {

  module {
    source = "./modules/entra-authorizer"
  }
  variables {
    name         = "orders-authorizer"
    create_layer = false
    layer_arn    = "arn:aws:lambda:eu-west-1:210987654321:layer:aws-jwt-verify:7"
  }

  assert {
    condition     = module.lambda.layer_arn == "arn:aws:lambda:eu-west-1:210987654321:layer:aws-jwt-verify:7"
    error_message = "No layer may be published when create_layer is false."
  }

  assert {
    condition     = module.lambda.layers == tolist(["arn:aws:lambda:eu-west-1:210987654321:layer:aws-jwt-verify:7"]) && output.layer_arn == "arn:aws:lambda:eu-west-1:210987654321:layer:aws-jwt-verify:7"
    error_message = "The function must use the given layer version."
  }
}

# AWS computes the API's ID and execution ARN (and a shared layer's ARN): in the same configuration
# they are unknown at plan time, so the module must not judge their shape.
run "identifiers_aws_computes_are_not_validated" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    api_id       = "any-id-aws-returns"
    create_layer = false
    layer_arn    = "arn:aws:lambda:eu-west-1:210987654321:layer:shared-without-version"
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.api_id == "any-id-aws-returns"
    error_message = "api_id must reach the authorizer as given."
  }
}

run "iam_guardrails_and_logs_reach_the_function" {

  module {
    source = "./modules/entra-authorizer"
  }
  variables {
    role_name_use_prefix      = true
    role_permissions_boundary = "arn:aws:iam::123456789012:policy/workload-boundary"
    kms_key_id                = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = output.role_permissions_boundary == "arn:aws:iam::123456789012:policy/workload-boundary"
    error_message = "The authorizer's role must carry the permissions boundary."
  }
}

run "an_existing_role_is_used" {

  module {
    source = "./modules/entra-authorizer"
  }
  variables {
    create_role = false
    role_arn    = "arn:aws:iam::123456789012:role/platform/authorizer"
  }

  assert {
    condition     = output.role_arn == "arn:aws:iam::123456789012:role/platform/authorizer" && output.role_name == null
    error_message = "The authorizer must run with the given role and create none."
  }
}
