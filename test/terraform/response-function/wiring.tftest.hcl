# modules/response-function on its own: the sample backend, built with modules/function (whose
# resources test/terraform/function asserts in detail).
# From the repository root: terraform test -test-directory=test/terraform/response-function

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

run "function_runs_the_committed_sample" {

  module {
    source = "./modules/response-function"
  }
  variables {
    tags = { Team = "orders" }
  }

  assert {
    condition     = output.function_name == "entra-authz-response" && output.log_group_name == "/aws/lambda/entra-authz-response"
    error_message = "The function and its log group must be named after var.name."
  }

  assert {
    condition     = output.role_name == "entra-authz-response" && output.role_arn == "arn:aws:iam::123456789012:role/entra-authz-authorizer" && output.role_permissions_boundary == null
    error_message = "The function must get its own role, without a boundary by default."
  }

  assert {
    condition     = output.function_arn == "arn:aws:lambda:us-east-1:123456789012:function:entra-authz-authorizer" && output.invoke_arn == "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:entra-authz-authorizer/invocations"
    error_message = "The outputs must describe the function."
  }
}

run "iam_guardrails_reach_the_role" {

  module {
    source = "./modules/response-function"
  }
  variables {
    role_permissions_boundary = "arn:aws:iam::123456789012:policy/workload-boundary"
  }

  assert {
    condition     = output.role_permissions_boundary == "arn:aws:iam::123456789012:policy/workload-boundary"
    error_message = "The role must carry the permissions boundary."
  }
}

run "an_existing_role_is_used" {

  module {
    source = "./modules/response-function"
  }
  variables {
    create_role = false
    role_arn    = "arn:aws:iam::123456789012:role/platform/lambda-execution"
  }

  assert {
    condition     = output.role_arn == "arn:aws:iam::123456789012:role/platform/lambda-execution" && output.role_name == null
    error_message = "The function must use the given role and create none."
  }
}

run "reject_timeout_beyond_the_integration_limit" {
  command = plan

  module {
    source = "./modules/response-function"
  }

  variables {
    timeout = 31
  }

  expect_failures = [var.timeout]
}

run "reject_no_role_at_all" {
  command = plan

  module {
    source = "./modules/response-function"
  }

  variables {
    create_role = false
  }

  expect_failures = [var.role_arn]
}
