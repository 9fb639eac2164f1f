# Inputs modules/entra-authorizer rejects on its own.
# From the repository root: terraform test -test-directory=test/terraform/entra-authorizer

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  api_id            = "x9y8z7w6v5"
  api_execution_arn = "arn:aws:execute-api:eu-west-1:210987654321:x9y8z7w6v5"
  tenant_id         = "72f988bf-86f1-41af-91ab-2d7cd011db47"
  audience          = "11111111-2222-3333-4444-555555555555"
}

run "accept_a_gov_cloud_api" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    api_execution_arn = "arn:aws-us-gov:execute-api:us-gov-west-1:210987654321:x9y8z7w6v5"
    authority_host    = "login.microsoftonline.us"
  }
}

run "reject_execution_arn_with_a_stage" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    api_execution_arn = "arn:aws:execute-api:eu-west-1:210987654321:x9y8z7w6v5/$default"
  }

  expect_failures = [var.api_execution_arn]
}

run "reject_api_arn_for_api_id" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    api_id = "arn:aws:apigateway:eu-west-1::/apis/x9y8z7w6v5"
  }

  expect_failures = [var.api_id]
}

run "reject_tenant_id_not_a_guid" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    tenant_id = "common"
  }

  expect_failures = [var.tenant_id]
}

run "reject_empty_audience" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    audience = ""
  }

  expect_failures = [var.audience]
}

run "reject_unknown_response_mode" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    response_mode = "policy"
  }

  expect_failures = [var.response_mode]
}

run "reject_cache_ttl_out_of_range" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    cache_ttl_seconds = 7200
  }

  expect_failures = [var.cache_ttl_seconds]
}

run "reject_timeout_within_the_jwks_fetch_limit" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    timeout = 3
  }

  expect_failures = [var.timeout]
}

run "reject_route_permission_key_not_a_route_key" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    route_permissions = { "orders" = { scopes = ["orders.read"] } }
  }

  expect_failures = [var.route_permissions]
}

run "reject_layer_arn_without_version" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    create_layer = false
    layer_arn    = "arn:aws:lambda:eu-west-1:210987654321:layer:aws-jwt-verify"
  }

  expect_failures = [var.layer_arn]
}

run "reject_no_layer_at_all" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    create_layer = false
  }

  # A cross-variable rule: a precondition of the function, see main.tf.
  expect_failures = [aws_lambda_function.this]
}

run "reject_retention_cloudwatch_does_not_offer" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    log_retention_in_days = 10
  }

  expect_failures = [var.log_retention_in_days]
}
