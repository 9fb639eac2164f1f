# The environment every front door's authorizer gets, and Lambda's 4 KB limit on it.
# From the repository root: terraform test -test-directory=test/terraform/lambda-authorizer

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  tenant_id   = "11111111-2222-3333-4444-555555555555"
  audience    = "api://orders"
  name        = "orders-authorizer"
  description = "Entra ID access token authorizer"
}

run "identity_settings_and_the_front_doors_rules_make_the_environment" {
  command = plan

  module {
    source = "./modules/lambda-authorizer"
  }

  variables {
    front_door_environment   = { AUTHZ_FIELD_PERMISSIONS = "{}", AUTHZ_CACHE_TTL_SECONDS = "60" }
    jwks_key_retention_hours = 0
  }

  assert {
    condition = output.environment_variables == tomap({
      ENTRA_TENANT_ID                = "11111111-2222-3333-4444-555555555555"
      ENTRA_AUDIENCE                 = "api://orders"
      ENTRA_TOKEN_VERSIONS           = "1.0,2.0"
      ENTRA_CLOUD                    = "public"
      ENTRA_JWKS_KEY_RETENTION_HOURS = "0"
      AUTHZ_TOKEN_CACHE_SECONDS      = "300"
      AUTHZ_FIELD_PERMISSIONS        = "{}"
      AUTHZ_CACHE_TTL_SECONDS        = "60"
    })
    error_message = "Environment is wrong: ${jsonencode(output.environment_variables)}"
  }
}

# Lambda refuses an environment above 4 KB at apply, after other resources exist: the plan must
# stop first. 40 routes with three names each are past the limit.
run "reject_an_environment_lambda_would_refuse" {
  command = plan

  module {
    source = "./modules/lambda-authorizer"
  }

  variables {
    front_door_environment = {
      AUTHZ_ROUTE_PERMISSIONS = jsonencode({ for i in range(40) : "GET /resource${format("%02d", i)}/items" => { scopes = ["Resource${i}.Read", "Resource${i}.Write", "Resource${i}.Admin"] } })
    }
  }

  expect_failures = [output.environment_variables]
}
