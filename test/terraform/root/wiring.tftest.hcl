# How the root module wires the API, the authorizer and the response function together.
# From the repository root: terraform test -test-directory=test/terraform/root
#
# A test sees the resources of the module under test and the outputs of its child modules; the
# resources inside modules/entra-authorizer and modules/response-function are asserted by their
# own tests in test/terraform/<module>.

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

# The two functions share mock values; give the response function its own identifiers so that an
# assertion can tell which function something points at.
override_resource {
  target = module.response_function.aws_lambda_function.this
  values = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-response"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:entra-authz-response/invocations"
  }
}

variables {
  tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47"
  audience  = "api://entra-authz-test"
  tags      = { Project = "entra-authz-test" }
}

run "authorizer_gets_the_environment_contract_with_defaults" {
  assert {
    condition = module.entra_authorizer.environment_variables == tomap({
      ENTRA_TENANT_ID      = "72f988bf-86f1-41af-91ab-2d7cd011db47"
      ENTRA_AUDIENCE       = "api://entra-authz-test"
      ENTRA_TOKEN_VERSIONS = "1.0,2.0"
      ENTRA_AUTHORITY_HOST = "login.microsoftonline.com"
      AUTHZ_RESPONSE_MODE  = "iam"
      LOG_LEVEL            = "info"
    })
    error_message = "Default authorizer environment is wrong: ${jsonencode(module.entra_authorizer.environment_variables)}"
  }

  assert {
    condition     = module.entra_authorizer.layer_arn == module.jwt_verify_layer.layer_arn && module.entra_authorizer.layer_arn == "arn:aws:lambda:us-east-1:123456789012:layer:entra-authz-jwt-verify:1"
    error_message = "The authorizer must run with the aws-jwt-verify layer version published by the root module."
  }

  assert {
    condition     = module.entra_authorizer.function_name == "entra-authz-authorizer" && module.response_function.function_name == "entra-authz-response"
    error_message = "The functions must be named <name>-authorizer and <name>-response."
  }

  assert {
    condition     = module.entra_authorizer.log_group_name == "/aws/lambda/entra-authz-authorizer" && module.response_function.log_group_name == "/aws/lambda/entra-authz-response"
    error_message = "Each function must log to its own /aws/lambda/<function> group."
  }
}

run "authorizer_gets_every_option" {
  variables {
    routes               = ["GET /auth", "GET /reports", "ANY /items/{id}"]
    additional_audiences = ["00000000-1111-2222-3333-444444444444"]
    token_versions       = ["2.0"]
    authority_host       = "login.microsoftonline.us"
    jwks_uri             = "https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/discovery/v2.0/keys"
    log_level            = "debug"
    route_permissions = {
      "GET /reports" = { roles = ["Reports.Read.All"] }
      "*"            = { scopes = ["api.read"] }
    }
  }

  assert {
    condition = module.entra_authorizer.environment_variables == tomap({
      ENTRA_TENANT_ID         = "72f988bf-86f1-41af-91ab-2d7cd011db47"
      ENTRA_AUDIENCE          = "api://entra-authz-test,00000000-1111-2222-3333-444444444444"
      ENTRA_TOKEN_VERSIONS    = "2.0"
      ENTRA_AUTHORITY_HOST    = "login.microsoftonline.us"
      ENTRA_JWKS_URI          = "https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/discovery/v2.0/keys"
      AUTHZ_ROUTE_PERMISSIONS = "{\"*\":{\"roles\":[],\"scopes\":[\"api.read\"]},\"GET /reports\":{\"roles\":[\"Reports.Read.All\"],\"scopes\":[]}}"
      AUTHZ_RESPONSE_MODE     = "iam"
      LOG_LEVEL               = "debug"
    })
    error_message = "Authorizer environment is wrong: ${jsonencode(module.entra_authorizer.environment_variables)}"
  }

  # With route rules an IAM Allow names only the requested route: the route is part of the cache key.
  assert {
    condition     = module.entra_authorizer.identity_sources == toset(["$request.header.Authorization", "$context.routeKey"])
    error_message = "In iam mode with route rules the identity sources must be the Authorization header and the route key."
  }

  assert {
    condition     = length(aws_apigatewayv2_route.this) == 3 && alltrue([for route in aws_apigatewayv2_route.this : route.authorization_type == "CUSTOM" && route.authorizer_id == "abc123"])
    error_message = "Every route must be protected by the authorizer."
  }
}

run "simple_responses_with_route_permissions_cache_per_route" {
  variables {
    authorizer_response_mode = "simple"
    route_permissions        = { "*" = { scopes = ["api.read"] } }
  }

  assert {
    condition     = module.entra_authorizer.identity_sources == toset(["$request.header.Authorization", "$context.routeKey"])
    error_message = "A cached simple answer must be keyed by route when routes need different permissions."
  }

  assert {
    condition     = module.entra_authorizer.environment_variables["AUTHZ_RESPONSE_MODE"] == "simple"
    error_message = "The authorizer must be told to answer in simple mode."
  }
}

run "simple_responses_without_caching_still_key_by_route" {
  variables {
    authorizer_response_mode     = "simple"
    authorizer_cache_ttl_seconds = 0
    route_permissions            = { "*" = { scopes = ["api.read"] } }
  }

  assert {
    condition     = module.entra_authorizer.identity_sources == toset(["$request.header.Authorization", "$context.routeKey"])
    error_message = "The identity sources must not depend on the TTL."
  }
}

run "without_route_rules_the_token_is_the_key" {
  assert {
    condition     = module.entra_authorizer.identity_sources == toset(["$request.header.Authorization"])
    error_message = "Without route rules every route gets the same answer: the token is a safe key."
  }
}

run "routes_reach_the_response_function_through_the_authorizer" {
  variables {
    routes            = ["GET /auth", "ANY /items/{id}", "$default"]
    route_permissions = { "*" = {} }
  }

  assert {
    condition     = toset(keys(aws_apigatewayv2_route.this)) == toset(["GET /auth", "ANY /items/{id}", "$default"])
    error_message = "There must be one route per route key."
  }

  assert {
    condition     = alltrue([for key, route in aws_apigatewayv2_route.this : route.route_key == key && route.authorization_type == "CUSTOM" && route.authorizer_id == module.entra_authorizer.authorizer_id])
    error_message = "Every route must use the authorizer (authorization_type CUSTOM)."
  }

  assert {
    condition     = alltrue([for route in aws_apigatewayv2_route.this : route.target == "integrations/${aws_apigatewayv2_integration.this.id}" && route.api_id == aws_apigatewayv2_api.this.id])
    error_message = "Every route must target the integration of this API."
  }

  assert {
    condition     = aws_apigatewayv2_integration.this.integration_type == "AWS_PROXY" && aws_apigatewayv2_integration.this.payload_format_version == "2.0"
    error_message = "The integration must be a Lambda proxy with payload format 2.0."
  }

  assert {
    condition     = aws_apigatewayv2_integration.this.integration_uri == "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:entra-authz-response/invocations"
    error_message = "The integration must invoke the response function, not ${aws_apigatewayv2_integration.this.integration_uri}."
  }

  assert {
    condition     = aws_apigatewayv2_api.this.protocol_type == "HTTP" && aws_apigatewayv2_api.this.name == "entra-authz"
    error_message = "The API must be an HTTP API named after var.name."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.name == "$default" && aws_apigatewayv2_stage.this.auto_deploy == true
    error_message = "The API must have an auto-deployed $default stage."
  }
}

run "integration_permission_is_scoped_to_this_api" {
  assert {
    condition     = aws_lambda_permission.integration.source_arn == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/*"
    error_message = "The integration permission must be scoped to this API: ${aws_lambda_permission.integration.source_arn}"
  }

  assert {
    condition     = aws_lambda_permission.integration.function_name == "entra-authz-response" && aws_lambda_permission.integration.principal == "apigateway.amazonaws.com" && aws_lambda_permission.integration.action == "lambda:InvokeFunction"
    error_message = "API Gateway, and only it, must be allowed to invoke the response function."
  }
}

run "access_logging_is_off_by_default" {
  assert {
    condition     = length(aws_apigatewayv2_stage.this.access_log_settings) == 0 && length(aws_cloudwatch_log_group.access_logs) == 0
    error_message = "Access logging must be off by default."
  }

  assert {
    condition     = length(aws_apigatewayv2_api.this.cors_configuration) == 0
    error_message = "CORS must be off by default."
  }
}

run "access_logs_cors_and_sizing_are_configurable" {
  variables {
    access_log_enabled    = true
    log_retention_in_days = 7
    cors_configuration = {
      allow_origins = ["https://app.example.com"]
      allow_methods = ["GET"]
      allow_headers = ["authorization"]
    }
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access_logs[0].arn
    error_message = "The stage must log to the access log group."
  }

  assert {
    condition     = jsondecode(aws_apigatewayv2_stage.this.access_log_settings[0].format).authorizerError == "$context.authorizer.error"
    error_message = "The default access log format must record the authorizer's error."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access_logs[0].name == "/aws/apigateway/entra-authz" && aws_cloudwatch_log_group.access_logs[0].retention_in_days == 7
    error_message = "The access log group must be /aws/apigateway/<name> with the configured retention."
  }

  assert {
    condition     = aws_apigatewayv2_api.this.cors_configuration[0].allow_origins == toset(["https://app.example.com"]) && aws_apigatewayv2_api.this.cors_configuration[0].allow_credentials == false
    error_message = "cors_configuration must reach the API."
  }
}

run "own_access_log_format_is_used" {
  command = plan

  variables {
    access_log_enabled = true
    access_log_format  = "$context.requestId $context.status $context.authorizer.error"
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.access_log_settings[0].format == "$context.requestId $context.status $context.authorizer.error"
    error_message = "access_log_format must replace the default format."
  }
}

run "tags_reach_every_taggable_resource" {
  variables {
    access_log_enabled = true
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
