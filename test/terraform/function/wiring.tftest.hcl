# modules/function, the private module both functions are built with.
# From the repository root: terraform test -test-directory=test/terraform/function

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

override_resource {
  target = aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-backend"
  }
}

variables {
  name         = "orders-backend"
  package_path = "dist/response.zip"
  tags         = { Team = "orders" }
}

run "function_runs_the_package_with_json_logs_at_warn" {

  module {
    source = "./modules/function"
  }
  assert {
    condition     = aws_lambda_function.this.function_name == "orders-backend" && aws_lambda_function.this.handler == "index.handler" && aws_lambda_function.this.source_code_hash == filebase64sha256("dist/response.zip")
    error_message = "The function must deploy the package with handler index.handler and redeploy when its hash changes."
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "nodejs22.x" && aws_lambda_function.this.architectures == tolist(["arm64"]) && aws_lambda_function.this.memory_size == 128 && aws_lambda_function.this.timeout == 3
    error_message = "The function must default to nodejs22.x on arm64, 128 MB, 3 s."
  }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_format == "JSON" && aws_lambda_function.this.logging_config[0].application_log_level == "WARN" && aws_lambda_function.this.logging_config[0].system_log_level == "WARN" && aws_lambda_function.this.logging_config[0].log_group == "/aws/lambda/orders-backend"
    error_message = "Logs must be JSON, filtered at WARN by Lambda, into the module's log group."
  }

  assert {
    condition     = length(aws_lambda_function.this.environment) == 0 && length(aws_lambda_function.this.layers) == 0
    error_message = "Without variables or layers the function gets neither (no LOG_LEVEL: Lambda sets AWS_LAMBDA_LOG_LEVEL)."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/orders-backend" && aws_cloudwatch_log_group.this.retention_in_days == 30 && aws_cloudwatch_log_group.this.kms_key_id == null
    error_message = "The log group must be /aws/lambda/<name>, kept 30 days, with CloudWatch's own encryption by default."
  }
}

run "role_may_only_write_its_own_log_group" {

  module {
    source = "./modules/function"
  }
  assert {
    condition     = aws_lambda_function.this.role == aws_iam_role.this[0].arn && aws_iam_role.this[0].name == "orders-backend" && aws_iam_role.this[0].path == "/" && aws_iam_role.this[0].permissions_boundary == null
    error_message = "The function must run with its own role, named after it, at /, without a boundary by default."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this[0].assume_role_policy).Statement == [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
    error_message = "Only Lambda may assume the role."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.logs[0].policy) == {
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-backend:*"
      }]
    }
    error_message = "The role may only write its own log group: ${aws_iam_role_policy.logs[0].policy}"
  }

  assert {
    condition     = output.role_arn == aws_iam_role.this[0].arn && output.role_name == "orders-backend" && output.log_group_name == "/aws/lambda/orders-backend"
    error_message = "The outputs must describe the role and the log group."
  }
}

run "iam_guardrails_reach_the_role" {

  module {
    source = "./modules/function"
  }
  variables {
    role_name                 = "platform-orders-backend"
    role_name_use_prefix      = true
    role_path                 = "/workloads/lambda/"
    role_permissions_boundary = "arn:aws:iam::123456789012:policy/workload-boundary"
  }

  assert {
    condition     = aws_iam_role.this[0].name_prefix == "platform-orders-backend-" && aws_iam_role.this[0].path == "/workloads/lambda/"
    error_message = "role_name_use_prefix must turn the role name into a prefix, and role_path must reach the role."
  }

  assert {
    condition     = aws_iam_role.this[0].permissions_boundary == "arn:aws:iam::123456789012:policy/workload-boundary" && output.role_permissions_boundary == "arn:aws:iam::123456789012:policy/workload-boundary"
    error_message = "The role must carry the permissions boundary."
  }
}

# The provider reads a role without a boundary back as "" (the first apply has null): the output is
# null in both cases, so that a re-plan after a refresh does not change it. A mocked role keeps the
# configured value (mocks cannot override a non-computed attribute), so "" is passed as the input.
run "role_permissions_boundary_output_is_null_without_a_boundary" {

  module {
    source = "./modules/function"
  }

  assert {
    condition     = output.role_permissions_boundary == null
    error_message = "role_permissions_boundary must be null when the role has no boundary."
  }
}

run "role_permissions_boundary_output_is_null_when_read_back_as_empty" {

  module {
    source = "./modules/function"
  }

  variables {
    role_permissions_boundary = ""
  }

  assert {
    condition     = aws_iam_role.this[0].permissions_boundary == "" && output.role_permissions_boundary == null
    error_message = "A boundary read back as \"\" is none: role_permissions_boundary must be null, not \"\"."
  }
}

run "role_permissions_boundary_output_is_the_boundary_arn" {

  module {
    source = "./modules/function"
  }

  variables {
    role_permissions_boundary = "arn:aws:iam::123456789012:policy/workload-boundary"
  }

  assert {
    condition     = output.role_permissions_boundary == "arn:aws:iam::123456789012:policy/workload-boundary"
    error_message = "role_permissions_boundary must be the boundary's ARN when the role has one."
  }
}

run "role_name_prefix_is_cut_to_what_iam_accepts" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    name                 = "a-function-name-that-is-long-enough-to-overflow-a-prefix"
    role_name_use_prefix = true
  }

  assert {
    condition     = length(aws_iam_role.this[0].name_prefix) == 38
    error_message = "IAM accepts a name prefix of at most 38 characters."
  }
}

run "an_existing_role_is_used_as_is" {

  module {
    source = "./modules/function"
  }
  variables {
    create_role = false
    role_arn    = "arn:aws:iam::123456789012:role/platform/lambda-execution"
  }

  assert {
    condition     = length(aws_iam_role.this) == 0 && length(aws_iam_role_policy.logs) == 0
    error_message = "No role and no policy may be created when create_role is false."
  }

  assert {
    condition     = aws_lambda_function.this.role == "arn:aws:iam::123456789012:role/platform/lambda-execution" && output.role_arn == "arn:aws:iam::123456789012:role/platform/lambda-execution" && output.role_name == null && output.role_permissions_boundary == null
    error_message = "The function must run with the given role, and report no name or boundary of its own."
  }
}

run "environment_layers_levels_and_log_settings_are_passed_on" {

  module {
    source = "./modules/function"
  }
  variables {
    environment           = { A = "1", B = "two" }
    layers                = ["arn:aws:lambda:us-east-1:123456789012:layer:aws-jwt-verify:7"]
    application_log_level = "DEBUG"
    system_log_level      = "INFO"
    runtime               = "nodejs20.x"
    architecture          = "x86_64"
    log_retention_in_days = 365
    kms_key_id            = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables == tomap({ A = "1", B = "two" }) && output.environment_variables == tomap({ A = "1", B = "two" })
    error_message = "The environment must reach the function as given."
  }

  assert {
    condition     = aws_lambda_function.this.layers == tolist(["arn:aws:lambda:us-east-1:123456789012:layer:aws-jwt-verify:7"])
    error_message = "The layers must reach the function."
  }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].application_log_level == "DEBUG" && aws_lambda_function.this.logging_config[0].system_log_level == "INFO"
    error_message = "The log levels must reach logging_config."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "Retention and the KMS key must reach the log group."
  }
}

run "tags_reach_every_taggable_resource" {

  module {
    source = "./modules/function"
  }
  assert {
    condition     = alltrue([for tags in [aws_lambda_function.this.tags, aws_iam_role.this[0].tags, aws_cloudwatch_log_group.this.tags] : tags == tomap({ Team = "orders" })])
    error_message = "The function, role and log group must carry var.tags."
  }
}
