# modules/rest-api-authorizer: the authorizer, its cache key, its permission, its RFC 6750 answers,
# and what it refuses at plan.
# From the repository root: terraform test -test-directory=test/terraform/rest-api-authorizer

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  rest_api_id            = "r3st4p1id0"
  rest_api_execution_arn = "arn:aws:execute-api:eu-west-1:210987654321:r3st4p1id0"
  tenant_id              = "11111111-2222-3333-4444-555555555555"
  audience               = "api://orders"
}

run "token_authorizer_by_default_keyed_by_the_token_with_rfc_6750_answers" {
  module {
    source = "./modules/rest-api-authorizer"
  }

  assert {
    condition     = aws_api_gateway_authorizer.this.type == "TOKEN" && aws_api_gateway_authorizer.this.identity_source == "method.request.header.Authorization" && aws_api_gateway_authorizer.this.authorizer_result_ttl_in_seconds == 300 && aws_api_gateway_authorizer.this.rest_api_id == "r3st4p1id0"
    error_message = "The default is a TOKEN authorizer on the Authorization header, cached 300 s."
  }

  assert {
    condition     = output.cache_key == "token" && output.environment_variables["AUTHZ_REST_CACHE_KEY"] == "token" && !contains(keys(output.environment_variables), "AUTHZ_ROUTE_PERMISSIONS")
    error_message = "Without rules the function answers token-wide and gets no route rules."
  }

  assert {
    condition     = aws_lambda_permission.authorizer.principal == "apigateway.amazonaws.com" && aws_lambda_permission.authorizer.source_arn == "arn:aws:execute-api:eu-west-1:210987654321:r3st4p1id0/authorizers/${aws_api_gateway_authorizer.this.id}"
    error_message = "Only this authorizer of this API may invoke the function."
  }

  assert {
    condition = { for type, response in aws_api_gateway_gateway_response.this : type => [response.status_code, response.response_parameters["gatewayresponse.header.WWW-Authenticate"]] } == {
      UNAUTHORIZED  = ["401", "'Bearer realm=\"api\", error=\"invalid_token\"'"]
      ACCESS_DENIED = ["403", "'Bearer realm=\"api\", error=\"insufficient_scope\"'"]
    }
    error_message = "401 and 403 must carry RFC 6750 challenges: ${jsonencode({ for type, response in aws_api_gateway_gateway_response.this : type => response.response_parameters })}"
  }

  assert {
    condition     = jsondecode(replace(aws_api_gateway_gateway_response.this["ACCESS_DENIED"].response_templates["application/json"], "$context.error.messageString", "\"m\"")) == { error = "insufficient_scope", message = "m" }
    error_message = "The body must be JSON naming the error."
  }
}

run "request_authorizer_with_rules_adds_the_method_and_resource_to_the_cache_key" {
  command = plan

  module {
    source = "./modules/rest-api-authorizer"
  }

  variables {
    authorizer_type        = "REQUEST"
    usage_identifier_claim = "azp"
    route_permissions = {
      "*"               = { scopes = ["orders.read"] }
      "GET /items/{id}" = { roles = ["Items.Read"], clients = [] }
    }
  }

  assert {
    condition     = aws_api_gateway_authorizer.this.identity_source == "method.request.header.Authorization,context.httpMethod,context.resourcePath" && output.cache_key == "route"
    error_message = "A REQUEST authorizer with rules must key its cache by method and resource."
  }

  assert {
    condition     = output.environment_variables["AUTHZ_REST_CACHE_KEY"] == "route" && jsondecode(output.environment_variables["AUTHZ_ROUTE_PERMISSIONS"]) == { "*" = { scopes = ["orders.read"] }, "GET /items/{id}" = { roles = ["Items.Read"] } } && output.environment_variables["AUTHZ_USAGE_IDENTIFIER_CLAIM"] == "azp"
    error_message = "The function must get the cache key, the rules with only their set parts, and the usage claim."
  }
}

run "no_gateway_responses_when_the_api_owns_them" {
  command = plan

  module {
    source = "./modules/rest-api-authorizer"
  }

  variables {
    create_gateway_responses = false
  }

  assert {
    condition     = length(aws_api_gateway_gateway_response.this) == 0
    error_message = "create_gateway_responses = false must create none."
  }
}

run "reject_rules_a_token_wide_answer_cannot_express" {
  command = plan

  module {
    source = "./modules/rest-api-authorizer"
  }

  variables {
    route_permissions = {
      "*"               = { scopes = ["orders.read"] }
      "GET /items/{id}" = { roles = ["Items.Read"] }
    }
  }

  expect_failures = [aws_api_gateway_authorizer.this]
}

run "reject_values_a_user_can_mistype" {
  command = plan

  module {
    source = "./modules/rest-api-authorizer"
  }

  variables {
    authorizer_type        = "COGNITO_USER_POOLS"
    cache_ttl_seconds      = 3601
    usage_identifier_claim = "az p"
    realm                  = "a\"b"
    route_permissions      = { "FETCH /items" = { clients = ["not-a-guid"], condition = " " } }
  }

  expect_failures = [var.authorizer_type, var.cache_ttl_seconds, var.usage_identifier_claim, var.realm, var.route_permissions]
}
