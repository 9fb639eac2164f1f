# use_native_jwt_authorizer: API Gateway's own JWT authorizer instead of the Lambda authorizer, and
# every setting it cannot honour refused at plan time.
# From the repository root: terraform test -test-directory=test/terraform/root

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  tenant_id                 = "11111111-2222-3333-4444-555555555555"
  audience                  = "api://11111111-2222-3333-4444-555555555555"
  additional_audiences      = ["00000000-1111-2222-3333-444444444444", "api://orders"]
  token_versions            = ["2.0"]
  use_native_jwt_authorizer = true
  routes = {
    "GET /orders"      = { scopes = ["orders.read", "orders.all"] }
    "ANY /orders/{id}" = { scopes = ["orders.write"] }
    "GET /health"      = { authorization = "none" }
  }
}

run "native_mode_has_no_authorizer_function_and_no_layer" {
  assert {
    condition     = length(module.entra_authorizer) == 0 && output.authorizer_function_name == null && output.layer_arn == null && output.metric_namespace == null && keys(output.iam_roles) == ["response"]
    error_message = "Native mode must create no authorizer function, role or layer."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.jwt[0].authorizer_type == "JWT" && aws_apigatewayv2_authorizer.jwt[0].identity_sources == toset(["$request.header.Authorization"]) && output.authorizer_id == aws_apigatewayv2_authorizer.jwt[0].id
    error_message = "Native mode must create one JWT authorizer reading the Authorization header."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.jwt[0].jwt_configuration[0].issuer == "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"
    error_message = "The issuer must be the home tenant's v2.0 issuer."
  }

  # Like the Lambda authorizer, a GUID and api://<the GUID> stand for each other.
  assert {
    condition     = aws_apigatewayv2_authorizer.jwt[0].jwt_configuration[0].audience == toset(["api://11111111-2222-3333-4444-555555555555", "11111111-2222-3333-4444-555555555555", "00000000-1111-2222-3333-444444444444", "api://00000000-1111-2222-3333-444444444444", "api://orders"])
    error_message = "Audiences must include the GUID and api:// twins: ${jsonencode(aws_apigatewayv2_authorizer.jwt[0].jwt_configuration[0].audience)}"
  }

  assert {
    condition     = aws_apigatewayv2_route.this["GET /orders"].authorization_type == "JWT" && aws_apigatewayv2_route.this["GET /orders"].authorizer_id == aws_apigatewayv2_authorizer.jwt[0].id && aws_apigatewayv2_route.this["GET /orders"].authorization_scopes == toset(["orders.read", "orders.all"])
    error_message = "An entra route must require its scopes through the JWT authorizer."
  }

  assert {
    condition     = aws_apigatewayv2_route.this["ANY /orders/{id}"].authorization_scopes == toset(["orders.write"]) && aws_apigatewayv2_route.this["GET /health"].authorization_type == "NONE" && aws_apigatewayv2_route.this["GET /health"].authorization_scopes == null
    error_message = "Scopes are per route; a public route has none."
  }

  assert {
    condition     = jsondecode(aws_apigatewayv2_stage.this.access_log_settings[0].format).callerObjectId == "$context.authorizer.claims.oid"
    error_message = "Without a principalId the access log must name the caller from the verified claims."
  }
}

run "native_mode_uses_the_cloud_authority" {
  command = plan

  variables {
    cloud = "china"
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.jwt[0].jwt_configuration[0].issuer == "https://login.partner.microsoftonline.cn/11111111-2222-3333-4444-555555555555/v2.0" && output.entra_authority_host == "login.chinacloudapi.cn"
    error_message = "The issuer must be the cloud's v2 issuer host (China's differs from its authority host)."
  }
}

# Settings the JWT authorizer cannot honour are refused on the variable that carries them. Distinct
# variables are rejected together: the run fails unless every listed variable reports an error.
run "reject_settings_the_jwt_authorizer_cannot_honour" {
  command = plan

  variables {
    token_versions           = ["1.0", "2.0"]
    allowed_tenant_ids       = ["00000000-1111-2222-3333-555555555555"]
    allowed_client_ids       = ["04b07795-8ddb-461a-bbee-02f9e1bf7b46"]
    authorizer_response_mode = "simple"
    jwks_uri                 = "https://login.microsoftonline.com/common/discovery/v2.0/keys"
  }

  expect_failures = [
    var.token_versions,
    var.allowed_tenant_ids,
    var.allowed_client_ids,
    var.authorizer_response_mode,
    var.jwks_uri,
  ]
}

run "reject_roles_clients_and_conditions" {
  command = plan

  variables {
    routes = {
      "GET /orders"  = { scopes = ["orders.read"], roles = ["Orders.Read"] }
      "POST /orders" = { scopes = ["orders.write"], clients = ["04b07795-8ddb-461a-bbee-02f9e1bf7b46"] }
    }
  }

  expect_failures = [var.routes]
}

run "reject_a_condition" {
  command = plan

  variables {
    routes = { "GET /orders" = { scopes = ["orders.read"], condition = "claims.ver == \"2.0\"" } }
  }

  expect_failures = [var.routes]
}

run "reject_an_entra_route_without_scopes" {
  command = plan

  variables {
    routes = { "GET /orders" = { scopes = ["orders.read"] }, "GET /auth" = {} }
  }

  expect_failures = [var.routes]
}
