# modules/entra-authorizer on its own, attached to an existing API known only by its ID and ARN.
# From the repository root: terraform test -test-directory=test/terraform/entra-authorizer

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  api_id            = "x9y8z7w6v5"
  api_execution_arn = "arn:aws:execute-api:eu-west-1:210987654321:x9y8z7w6v5"
  tenant_id         = "72f988bf-86f1-41af-91ab-2d7cd011db47"
  audience          = "api://orders"
  tags              = { Team = "orders" }
}

run "function_runs_the_committed_package_with_the_layer" {
  module {
    source = "./modules/entra-authorizer"
  }

  assert {
    condition     = aws_lambda_function.this.function_name == "entra-authorizer" && aws_lambda_function.this.handler == "index.handler"
    error_message = "The function must be named after var.name and use handler index.handler."
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "nodejs22.x" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "The function must default to nodejs22.x on arm64."
  }

  assert {
    condition     = aws_lambda_function.this.timeout == 6 && aws_lambda_function.this.memory_size == 256
    error_message = "The function must default to a 6 s timeout, above the 4 s JWKS fetch limit, and 256 MB."
  }

  assert {
    condition     = aws_lambda_function.this.filename == "modules/entra-authorizer/../../dist/authorizer.zip" && aws_lambda_function.this.source_code_hash == filebase64sha256("dist/authorizer.zip")
    error_message = "The function must deploy the repository's dist/authorizer.zip and redeploy when its hash changes."
  }

  assert {
    condition     = aws_lambda_function.this.layers == tolist([aws_lambda_layer_version.this[0].arn]) && output.layer_arn == "arn:aws:lambda:us-east-1:123456789012:layer:entra-authz-jwt-verify:1"
    error_message = "The function must use exactly the layer version created with it."
  }

  assert {
    condition     = aws_lambda_layer_version.this[0].layer_name == "entra-authorizer-jwt-verify" && aws_lambda_layer_version.this[0].source_code_hash == filebase64sha256("dist/jwt-verify-layer.zip")
    error_message = "The layer must publish dist/jwt-verify-layer.zip as <name>-jwt-verify, and a new version when its hash changes."
  }

  assert {
    condition     = aws_lambda_layer_version.this[0].compatible_runtimes == toset(["nodejs22.x"]) && aws_lambda_layer_version.this[0].compatible_architectures == toset(["arm64", "x86_64"])
    error_message = "The layer must declare the function's runtime and both architectures."
  }

  assert {
    condition     = aws_lambda_function.this.role == aws_iam_role.this.arn && aws_iam_role.this.name == "entra-authorizer"
    error_message = "The function must run with its own role."
  }
}

run "environment_follows_the_contract" {
  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    additional_audiences = ["11111111-2222-3333-4444-555555555555", "api://orders"]
    token_versions       = ["2.0", "1.0", "2.0"]
    response_mode        = "simple"
    log_level            = "warn"
    route_permissions = {
      "GET /orders"        = { scopes = ["orders.read"] }
      "POST /orders"       = { scopes = ["orders.write"], roles = ["Orders.Admin"] }
      "ANY /orders/{id}"   = { roles = ["Orders.Admin"] }
      "$default"           = {}
      "DELETE /orders/all" = { scopes = ["a", "b"] }
    }
  }

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      ENTRA_TENANT_ID         = "72f988bf-86f1-41af-91ab-2d7cd011db47"
      ENTRA_AUDIENCE          = "api://orders,11111111-2222-3333-4444-555555555555"
      ENTRA_TOKEN_VERSIONS    = "1.0,2.0"
      ENTRA_AUTHORITY_HOST    = "login.microsoftonline.com"
      AUTHZ_ROUTE_PERMISSIONS = "{\"$default\":{\"roles\":[],\"scopes\":[]},\"ANY /orders/{id}\":{\"roles\":[\"Orders.Admin\"],\"scopes\":[]},\"DELETE /orders/all\":{\"roles\":[],\"scopes\":[\"a\",\"b\"]},\"GET /orders\":{\"roles\":[],\"scopes\":[\"orders.read\"]},\"POST /orders\":{\"roles\":[\"Orders.Admin\"],\"scopes\":[\"orders.write\"]}}"
      AUTHZ_RESPONSE_MODE     = "simple"
      LOG_LEVEL               = "warn"
    })
    error_message = "Environment is wrong: ${jsonencode(aws_lambda_function.this.environment[0].variables)}"
  }

  assert {
    condition     = jsondecode(aws_lambda_function.this.environment[0].variables["AUTHZ_ROUTE_PERMISSIONS"])["POST /orders"] == { scopes = ["orders.write"], roles = ["Orders.Admin"] }
    error_message = "AUTHZ_ROUTE_PERMISSIONS must decode to the route_permissions map."
  }

  assert {
    condition     = output.environment_variables == aws_lambda_function.this.environment[0].variables
    error_message = "environment_variables must be the function's environment."
  }
}

run "authorizer_is_a_cached_request_authorizer_with_iam_responses" {
  module {
    source = "./modules/entra-authorizer"
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.api_id == "x9y8z7w6v5" && aws_apigatewayv2_authorizer.this.name == "entra-authorizer"
    error_message = "The authorizer must be attached to the given API."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.authorizer_type == "REQUEST" && aws_apigatewayv2_authorizer.this.authorizer_payload_format_version == "2.0"
    error_message = "The authorizer must be a REQUEST authorizer with payload format 2.0."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.enable_simple_responses == false
    error_message = "The authorizer must answer with IAM policies by default."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.identity_sources == toset(["$request.header.Authorization"])
    error_message = "The identity source must be the Authorization header."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.authorizer_result_ttl_in_seconds == 300
    error_message = "Answers must be cached for 300 s by default."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.authorizer_uri == aws_lambda_function.this.invoke_arn
    error_message = "The authorizer must invoke the authorizer function."
  }

  assert {
    condition     = output.authorizer_id == "abc123"
    error_message = "authorizer_id must be the authorizer's ID."
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

run "only_this_authorizer_may_invoke_the_function" {
  module {
    source = "./modules/entra-authorizer"
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

run "function_writes_only_its_own_retained_log_group" {
  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    log_retention_in_days = 90
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/entra-authorizer" && aws_cloudwatch_log_group.this.retention_in_days == 90
    error_message = "The log group must be /aws/lambda/<function> with the configured retention."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.logs.policy) == {
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this.arn}:*"
      }]
    }
    error_message = "The role may only write its own log group: ${aws_iam_role_policy.logs.policy}"
  }

  assert {
    condition     = endswith(jsondecode(aws_iam_role_policy.logs.policy).Statement[0].Resource, ":log-group:/aws/lambda/entra-authz-authorizer:*")
    error_message = "The policy must name the log group's ARN, not a wildcard."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement == [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
    error_message = "Only Lambda may assume the role."
  }

  assert {
    condition     = output.log_group_name == "/aws/lambda/entra-authorizer" && output.role_name == "entra-authorizer"
    error_message = "The log group and role outputs must name the module's resources."
  }
}

run "tags_reach_every_taggable_resource" {
  module {
    source = "./modules/entra-authorizer"
  }

  assert {
    condition = alltrue([for tags in [
      aws_lambda_function.this.tags,
      aws_iam_role.this.tags,
      aws_cloudwatch_log_group.this.tags,
    ] : tags == tomap({ Team = "orders" })])
    error_message = "The function, role and log group must carry var.tags."
  }
}

run "existing_layer_is_reused" {
  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    name         = "orders-authorizer"
    create_layer = false
    layer_arn    = "arn:aws:lambda:eu-west-1:210987654321:layer:aws-jwt-verify:7"
  }

  assert {
    condition     = length(aws_lambda_layer_version.this) == 0
    error_message = "No layer may be created when create_layer is false."
  }

  assert {
    condition     = aws_lambda_function.this.layers == tolist(["arn:aws:lambda:eu-west-1:210987654321:layer:aws-jwt-verify:7"]) && output.layer_arn == "arn:aws:lambda:eu-west-1:210987654321:layer:aws-jwt-verify:7"
    error_message = "The function must use the given layer version."
  }
}

run "own_packages_and_sizing_are_used" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    package_path       = "dist/response.zip"
    layer_package_path = "dist/response.zip"
    layer_name         = "shared-jwt-verify"
    runtime            = "nodejs20.x"
    architecture       = "x86_64"
    timeout            = 10
    memory_size        = 1024
  }

  assert {
    condition     = aws_lambda_function.this.filename == "dist/response.zip" && aws_lambda_function.this.source_code_hash == filebase64sha256("dist/response.zip")
    error_message = "package_path must replace the committed package and its hash."
  }

  assert {
    condition     = aws_lambda_layer_version.this[0].layer_name == "shared-jwt-verify" && aws_lambda_layer_version.this[0].source_code_hash == filebase64sha256("dist/response.zip")
    error_message = "layer_name and layer_package_path must name and replace the layer package."
  }

  assert {
    condition     = aws_lambda_layer_version.this[0].compatible_runtimes == toset(["nodejs22.x", "nodejs20.x"])
    error_message = "The layer must declare the chosen runtime as compatible."
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "nodejs20.x" && aws_lambda_function.this.architectures == tolist(["x86_64"]) && aws_lambda_function.this.timeout == 10 && aws_lambda_function.this.memory_size == 1024
    error_message = "runtime, architecture, timeout and memory_size must reach the function."
  }
}
