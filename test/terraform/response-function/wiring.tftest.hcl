# modules/response-function on its own.
# From the repository root: terraform test -test-directory=test/terraform/response-function

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

override_resource {
  target = aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/entra-authz-response"
  }
}

run "function_runs_the_committed_sample" {
  module {
    source = "./modules/response-function"
  }

  variables {
    tags = { Team = "orders" }
  }

  assert {
    condition     = aws_lambda_function.this.function_name == "entra-authz-response" && aws_lambda_function.this.handler == "index.handler"
    error_message = "The function must be named after var.name and use handler index.handler."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("dist/response.zip")
    error_message = "The function must deploy dist/response.zip and redeploy when its hash changes."
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "nodejs22.x" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "The function must default to nodejs22.x on arm64."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables == tomap({ LOG_LEVEL = "info" })
    error_message = "The function must get LOG_LEVEL only."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/entra-authz-response" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The log group must be /aws/lambda/<function>, kept 30 days by default."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.logs.policy) == {
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/entra-authz-response:*"
      }]
    }
    error_message = "The role may only write its own log group: ${aws_iam_role_policy.logs.policy}"
  }

  assert {
    condition     = alltrue([for tags in [aws_lambda_function.this.tags, aws_iam_role.this.tags, aws_cloudwatch_log_group.this.tags] : tags == tomap({ Team = "orders" })])
    error_message = "The function, role and log group must carry var.tags."
  }

  assert {
    condition     = output.invoke_arn == aws_lambda_function.this.invoke_arn && output.function_name == "entra-authz-response"
    error_message = "The outputs must describe the function."
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
