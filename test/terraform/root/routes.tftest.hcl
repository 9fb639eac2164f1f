# Routes: their backends, their authorization, the invoke permission of each backend, and the
# public OPTIONS routes CORS needs.
# From the repository root: terraform test -test-directory=test/terraform/root

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

# The functions share mock values; give the sample backend its own so that an assertion can tell
# which function a route reaches.
override_resource {
  target = module.response_function[0].module.function.aws_lambda_function.this
  values = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-response"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:entra-authz-response/invocations"
  }
}

override_resource {
  target          = module.preflight_function[0].aws_lambda_function.this
  override_during = plan
  values = {
    arn = "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-preflight"
  }
}

variables {
  tenant_id = "11111111-2222-3333-4444-555555555555"
  audience  = "api://entra-authz-test"
}

run "the_default_route_reaches_the_sample_backend_through_the_authorizer" {
  assert {
    condition     = keys(aws_apigatewayv2_route.this) == ["GET /auth"] && aws_apigatewayv2_route.this["GET /auth"].authorization_type == "CUSTOM" && aws_apigatewayv2_route.this["GET /auth"].authorizer_id == module.entra_authorizer[0].authorizer_id
    error_message = "The default API has one route, GET /auth, behind the Lambda authorizer."
  }

  assert {
    condition     = aws_apigatewayv2_route.this["GET /auth"].target == "integrations/${aws_apigatewayv2_integration.this["GET /auth"].id}" && aws_apigatewayv2_integration.this["GET /auth"].integration_uri == "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-response"
    error_message = "GET /auth must reach the sample backend."
  }

  assert {
    condition     = aws_apigatewayv2_integration.this["GET /auth"].integration_type == "AWS_PROXY" && aws_apigatewayv2_integration.this["GET /auth"].payload_format_version == "2.0"
    error_message = "Integrations must be Lambda proxies with payload format 2.0."
  }

  assert {
    condition     = aws_lambda_permission.route["GET /auth"].function_name == "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-response" && aws_lambda_permission.route["GET /auth"].source_arn == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/GET/auth" && aws_lambda_permission.route["GET /auth"].principal == "apigateway.amazonaws.com"
    error_message = "The sample backend may be invoked for GET /auth only: ${aws_lambda_permission.route["GET /auth"].source_arn}"
  }
}

run "routes_reach_their_own_backends_with_permissions_scoped_to_them" {
  command = plan

  variables {
    routes = {
      "GET /orders"      = { function_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders", scopes = ["orders.read"] }
      "ANY /orders/{id}" = { function_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders:live", roles = ["Orders.Admin"] }
      "$default"         = { function_arn = "arn:aws:lambda:us-east-1:123456789012:function:fallback" }
      "GET /health"      = { authorization = "none" }
    }
  }

  assert {
    condition = { for key, integration in aws_apigatewayv2_integration.this : key => integration.integration_uri } == {
      "GET /orders"      = "arn:aws:lambda:us-east-1:123456789012:function:orders"
      "ANY /orders/{id}" = "arn:aws:lambda:us-east-1:123456789012:function:orders:live"
      "$default"         = "arn:aws:lambda:us-east-1:123456789012:function:fallback"
      "GET /health"      = "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-response"
    }
    error_message = "Each route must reach its function_arn, or the sample backend without one."
  }

  assert {
    condition = { for key, permission in aws_lambda_permission.route : key => [permission.function_name, permission.source_arn] } == {
      "GET /orders"      = ["arn:aws:lambda:us-east-1:123456789012:function:orders", "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/GET/orders"]
      "ANY /orders/{id}" = ["arn:aws:lambda:us-east-1:123456789012:function:orders:live", "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/*/orders/*"]
      "$default"         = ["arn:aws:lambda:us-east-1:123456789012:function:fallback", "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/$default"]
      "GET /health"      = ["arn:aws:lambda:us-east-1:123456789012:function:entra-authz-response", "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/GET/health"]
    }
    error_message = "Each backend may be invoked for its own route only."
  }

  assert {
    condition     = length(distinct([for permission in aws_lambda_permission.route : permission.statement_id])) == 4 && alltrue([for permission in aws_lambda_permission.route : can(regex("^entra-authz-[0-9a-f]{16}$", permission.statement_id))])
    error_message = "Statement IDs must be unique per route and valid for Lambda."
  }

  assert {
    condition     = aws_apigatewayv2_route.this["GET /health"].authorization_type == "NONE" && aws_apigatewayv2_route.this["GET /health"].authorizer_id == null
    error_message = "A public route must have no authorizer."
  }

  assert {
    condition     = alltrue([for key in ["GET /orders", "ANY /orders/{id}", "$default"] : aws_apigatewayv2_route.this[key].authorization_type == "CUSTOM" && aws_apigatewayv2_route.this[key].authorizer_id == module.entra_authorizer[0].authorizer_id])
    error_message = "Every entra route must use the Lambda authorizer."
  }
}

# API Gateway answers CORS preflight requests itself unless the request matches a route whose
# authorizer runs first: ANY routes and $default match OPTIONS.
run "cors_adds_public_preflight_routes_for_any_and_default_entra_routes" {
  command = plan

  variables {
    cors_configuration = { allow_origins = ["https://app.example.com"], allow_headers = ["authorization"] }
    routes = {
      "ANY /items/{id}"  = { function_arn = "arn:aws:lambda:us-east-1:123456789012:function:items", scopes = ["items.read"] }
      "ANY /{proxy+}"    = { scopes = ["api.all"] }
      "$default"         = {}
      "GET /auth"        = {}
      "ANY /public/{id}" = { authorization = "none" }
    }
  }

  assert {
    condition     = output.preflight_routes == tolist(["OPTIONS /items/{id}", "OPTIONS /{proxy+}"])
    error_message = "Exactly the ANY and $default entra routes need a preflight route: ${jsonencode(output.preflight_routes)}"
  }

  assert {
    condition     = alltrue([for key in output.preflight_routes : aws_apigatewayv2_route.this[key].authorization_type == "NONE" && aws_apigatewayv2_route.this[key].authorizer_id == null])
    error_message = "Preflight routes must be public."
  }

  assert {
    condition     = alltrue([for key in output.preflight_routes : aws_apigatewayv2_integration.this[key].integration_uri == "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-preflight" && aws_lambda_permission.route[key].function_name == "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-preflight"])
    error_message = "A public preflight route must reach the preflight function, never a protected backend: an OPTIONS request without Origin is no preflight."
  }

  assert {
    condition     = aws_lambda_permission.route["OPTIONS /items/{id}"].source_arn == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/OPTIONS/items/*" && module.preflight_function[0].function_name == "entra-authz-preflight"
    error_message = "The preflight function may be invoked for its OPTIONS routes only."
  }

  assert {
    condition     = output.preflight_function_name == "entra-authz-preflight" && contains(keys(output.iam_roles), "preflight")
    error_message = "The preflight function must be reported with its role."
  }

  assert {
    condition     = aws_apigatewayv2_api.this.cors_configuration[0].allow_origins == toset(["https://app.example.com"]) && aws_apigatewayv2_api.this.cors_configuration[0].allow_credentials == false
    error_message = "cors_configuration must reach the API."
  }
}

run "no_preflight_routes_without_cors_or_when_one_exists" {
  command = plan

  variables {
    routes = {
      "ANY /items/{id}"     = {}
      "OPTIONS /items/{id}" = { authorization = "none" }
    }
  }

  assert {
    condition     = length(output.preflight_routes) == 0 && length(module.preflight_function) == 0 && toset(keys(aws_apigatewayv2_route.this)) == toset(["ANY /items/{id}", "OPTIONS /items/{id}"]) && length(aws_apigatewayv2_api.this.cors_configuration) == 0
    error_message = "Without CORS no route may be added."
  }
}

run "an_own_options_route_is_kept_with_cors" {
  command = plan

  variables {
    cors_configuration = { allow_origins = ["https://app.example.com"] }
    routes = {
      "ANY /items/{id}"     = {}
      "OPTIONS /items/{id}" = { function_arn = "arn:aws:lambda:us-east-1:123456789012:function:preflight", authorization = "none" }
    }
  }

  assert {
    condition     = length(output.preflight_routes) == 0 && aws_apigatewayv2_integration.this["OPTIONS /items/{id}"].integration_uri == "arn:aws:lambda:us-east-1:123456789012:function:preflight"
    error_message = "A route the caller defines must not be replaced."
  }
}

run "the_sample_backend_is_optional" {
  command = plan

  variables {
    create_response_function = false
    routes                   = { "GET /orders" = { function_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders" } }
  }

  assert {
    condition     = length(module.response_function) == 0 && output.response_function_name == null && keys(output.iam_roles) == ["authorizer"]
    error_message = "create_response_function = false must drop the sample backend."
  }
}
