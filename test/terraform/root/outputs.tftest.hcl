# What the root module hands back to its caller.
# From the repository root: terraform test -test-directory=test/terraform/root

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  tenant_id         = "72f988bf-86f1-41af-91ab-2d7cd011db47"
  audience          = "api://entra-authz-test"
  routes            = ["GET /auth", "ANY /items/{id}", "$default"]
  route_permissions = { "*" = { scopes = ["api.read"] } }
}

run "outputs_describe_the_deployed_api" {
  assert {
    condition     = output.api_id == "a1b2c3d4e5"
    error_message = "api_id must be the HTTP API's ID."
  }

  assert {
    condition     = output.api_endpoint == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
    error_message = "api_endpoint must be the HTTP API's endpoint."
  }

  assert {
    condition     = output.api_execution_arn == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"
    error_message = "api_execution_arn must be the HTTP API's execution ARN."
  }

  assert {
    condition     = output.authorizer_id == "abc123"
    error_message = "authorizer_id must be the authorizer's ID."
  }

  assert {
    condition     = output.authorizer_function_name == "entra-authz-authorizer"
    error_message = "authorizer_function_name must be the authorizer function's name."
  }

  assert {
    condition     = output.response_function_name == "entra-authz-response"
    error_message = "response_function_name must be the response function's name."
  }

  assert {
    condition     = output.layer_arn == "arn:aws:lambda:us-east-1:123456789012:layer:entra-authz-jwt-verify:1"
    error_message = "layer_arn must be the layer version ARN the authorizer uses."
  }

  assert {
    condition     = output.authorizer_identity_sources == toset(["$request.header.Authorization", "$context.routeKey"])
    error_message = "authorizer_identity_sources must be the authorizer's identity sources."
  }

  assert {
    condition     = output.access_log_group_name == null
    error_message = "access_log_group_name must be null without access logging."
  }
}

run "route_urls_give_a_url_per_route" {
  assert {
    condition = output.route_urls == {
      "GET /auth"       = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/auth"
      "ANY /items/{id}" = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/items/{id}"
      "$default"        = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/"
    }
    error_message = "route_urls is wrong: ${jsonencode(output.route_urls)}"
  }
}

run "name_prefixes_every_name" {
  variables {
    name               = "orders"
    access_log_enabled = true
  }

  assert {
    condition     = output.authorizer_function_name == "orders-authorizer"
    error_message = "The authorizer function must be named <name>-authorizer."
  }

  assert {
    condition     = output.access_log_group_name == "/aws/apigateway/orders"
    error_message = "The access log group must be /aws/apigateway/<name>."
  }
}
