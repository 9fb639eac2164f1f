# Inputs modules/function rejects.
# From the repository root: terraform test -test-directory=test/terraform/function

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  name         = "orders-backend"
  package_path = "dist/response.zip"
}

# Inputs of distinct variables are rejected together: the run fails unless every listed variable
# reports its own error.
run "reject_values_lambda_and_iam_refuse" {
  module {
    source = "./modules/function"
  }

  command = plan

  variables {
    create_role           = false
    role_path             = "lambda"
    role_name             = "orders backend"
    application_log_level = "warn"
    system_log_level      = "ERROR"
    package_path          = "dist/index.mjs"
  }

  expect_failures = [
    var.role_arn,
    var.role_path,
    var.role_name,
    var.application_log_level,
    var.system_log_level,
    var.package_path,
  ]
}
