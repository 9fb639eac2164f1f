# Inputs modules/entra-authorizer rejects on its own, and the size limit of its environment.
# From the repository root: terraform test -test-directory=test/terraform/entra-authorizer

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  api_id            = "x9y8z7w6v5"
  api_execution_arn = "arn:aws:execute-api:eu-west-1:210987654321:x9y8z7w6v5"
  tenant_id         = "11111111-2222-3333-4444-555555555555"
  audience          = "11111111-2222-3333-4444-555555555555"
}

run "accept_a_national_cloud_and_every_rule_part" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    api_execution_arn = "arn:aws-us-gov:execute-api:us-gov-west-1:210987654321:x9y8z7w6v5"
    cloud             = "usgov"
    route_permissions = {
      "*" = {
        scopes    = ["a"]
        roles     = [format("R.%0254d", 0)]
        clients   = ["04B07795-8DDB-461A-BBEE-02F9E1BF7B46"]
        condition = format("%01024d", 0)
      }
    }
  }
}

# The environment over 4 KB is refused by ../lambda-authorizer, which every front door shares:
# test/terraform/lambda-authorizer/environment.tftest.hcl.
run "accept_an_environment_just_under_the_limit" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    route_permissions = { for i in range(36) : "GET /resource${format("%02d", i)}/items" => { scopes = ["Resource${i}.Read", "Resource${i}.Write", "Resource${i}.Admin"] } }
  }

  assert {
    condition     = length(jsonencode(output.environment_variables)) > 3800 && length(jsonencode(output.environment_variables)) <= 4096
    error_message = "This case must sit just under the limit: ${length(jsonencode(output.environment_variables))} characters."
  }
}

# Inputs of distinct variables are rejected together: a run fails unless every variable it lists
# reports its own error, so each rule is still checked on its own.

run "reject_entra_values_that_are_not_ids_or_hosts" {
  module {
    source = "./modules/entra-authorizer"
  }

  command = plan

  variables {
    tenant_id          = "common"
    audience           = ""
    cloud              = "germany"
    authority_host     = "https://login.microsoftonline.com"
    allowed_tenant_ids = ["contoso.onmicrosoft.com"]
    allowed_client_ids = ["my-client"]
  }

  expect_failures = [
    var.tenant_id,
    var.audience,
    var.cloud,
    var.authority_host,
    var.allowed_tenant_ids,
    var.allowed_client_ids,
  ]
}

run "reject_authorizer_values_out_of_range" {
  module {
    source = "./modules/entra-authorizer"
  }

  command = plan

  variables {
    response_mode                = "policy"
    cache_ttl_seconds            = 7200
    verified_token_cache_seconds = 3601
    timeout                      = 3
    application_log_level        = "VERBOSE"
    log_retention_in_days        = 10
  }

  expect_failures = [
    var.response_mode,
    var.cache_ttl_seconds,
    var.verified_token_cache_seconds,
    var.timeout,
    var.application_log_level,
    var.log_retention_in_days,
  ]
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

run "reject_role_name_longer_than_256" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    route_permissions = { "*" = { roles = [format("%0257d", 0)] } }
  }

  expect_failures = [var.route_permissions]
}

run "reject_client_not_a_guid" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    route_permissions = { "*" = { clients = ["azure-cli"] } }
  }

  expect_failures = [var.route_permissions]
}

run "reject_blank_condition" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    route_permissions = { "*" = { condition = "  " } }
  }

  expect_failures = [var.route_permissions]
}

run "reject_condition_longer_than_1024" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    route_permissions = { "*" = { condition = format("%01025d", 0) } }
  }

  expect_failures = [var.route_permissions]
}

run "reject_no_layer_and_no_role" {
  module {
    source = "./modules/entra-authorizer"
  }

  command = plan

  variables {
    create_layer = false
    create_role  = false
  }

  expect_failures = [var.layer_arn, var.role_arn]
}
