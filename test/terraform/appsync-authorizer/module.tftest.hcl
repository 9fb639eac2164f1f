# modules/appsync-authorizer: the invoke permission for one GraphQL API, the field rules, the TTL it
# hands to the API, and what it refuses at plan.
# From the repository root: terraform test -test-directory=test/terraform/appsync-authorizer

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  graphql_api_arn = "arn:aws:appsync:eu-west-1:210987654321:apis/abcdefghijklmnopqrstuvwxyz"
  tenant_id       = "11111111-2222-3333-4444-555555555555"
  audience        = "api://tasks"
}

run "appsync_may_invoke_the_function_for_this_api_only" {
  module {
    source = "./modules/appsync-authorizer"
  }

  assert {
    condition     = aws_lambda_permission.appsync.principal == "appsync.amazonaws.com" && aws_lambda_permission.appsync.source_arn == "arn:aws:appsync:eu-west-1:210987654321:apis/abcdefghijklmnopqrstuvwxyz" && aws_lambda_permission.appsync.action == "lambda:InvokeFunction"
    error_message = "Only this GraphQL API may invoke the authorizer."
  }

  assert {
    condition     = output.authorizer_result_ttl_in_seconds == 300 && output.environment_variables["AUTHZ_CACHE_TTL_SECONDS"] == "300" && !contains(keys(output.environment_variables), "AUTHZ_FIELD_PERMISSIONS") && !contains(keys(output.environment_variables), "AUTHZ_ROUTE_PERMISSIONS")
    error_message = "The API's TTL and the function's must be the same, and no rules are set by default."
  }
}

run "field_rules_reach_the_function_with_only_their_set_parts" {
  command = plan

  module {
    source = "./modules/appsync-authorizer"
  }

  variables {
    cache_ttl_seconds = 60
    field_permissions = {
      "*"                   = { scopes = ["tasks.read"] }
      "Mutation.deleteTask" = { roles = ["Tasks.Admin"], clients = [], condition = "claims.tid != \"\"" }
    }
  }

  assert {
    condition     = jsondecode(output.environment_variables["AUTHZ_FIELD_PERMISSIONS"]) == { "*" = { scopes = ["tasks.read"] }, "Mutation.deleteTask" = { roles = ["Tasks.Admin"], condition = "claims.tid != \"\"" } } && output.environment_variables["AUTHZ_CACHE_TTL_SECONDS"] == "60" && output.authorizer_result_ttl_in_seconds == 60
    error_message = "Field rules and the TTL must reach the function: ${jsonencode(output.environment_variables)}"
  }
}

run "reject_values_a_user_can_mistype" {
  command = plan

  module {
    source = "./modules/appsync-authorizer"
  }

  variables {
    name              = "tasks authorizer"
    cache_ttl_seconds = -1
    field_permissions = { "Mutation.delete-task" = { scopes = ["a b"], clients = ["x"], condition = "" } }
  }

  expect_failures = [var.name, var.cache_ttl_seconds, var.field_permissions]
}
