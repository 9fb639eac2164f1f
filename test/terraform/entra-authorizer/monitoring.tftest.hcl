# What the module's users type about monitoring, refused at plan. The filters and alarms
# themselves: test/terraform/lambda-authorizer.
# From the repository root: terraform test -test-directory=test/terraform/entra-authorizer

mock_provider "aws" {
  source = "./test/terraform/mocks"
}

variables {
  api_id            = "x9y8z7w6v5"
  api_execution_arn = "arn:aws:execute-api:eu-west-1:210987654321:x9y8z7w6v5"
  tenant_id         = "11111111-2222-3333-4444-555555555555"
  audience          = "api://orders"
  name              = "orders-authorizer"
}

run "alarms_reach_the_shared_function_module" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    create_alarms    = true
    metric_namespace = "Platform/Auth"
  }

  assert {
    condition     = output.metric_namespace == "Platform/Auth"
    error_message = "metric_namespace must reach the function's monitoring."
  }
}

run "reject_aws_namespace" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    metric_namespace = "AWS/Lambda"
  }

  expect_failures = [var.metric_namespace]
}

run "reject_refusal_rate_above_100_percent" {
  command = plan

  module {
    source = "./modules/entra-authorizer"
  }

  variables {
    alarm_refusal_rate_threshold = 150
  }

  expect_failures = [var.alarm_refusal_rate_threshold]
}
