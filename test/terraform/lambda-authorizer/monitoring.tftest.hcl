# The authorizer's log metric filters and optional alarms, which every front door shares.
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

run "metric_filters_count_refusals_outages_errors_and_401s" {
  command = plan

  module {
    source = "./modules/lambda-authorizer"
  }

  assert {
    condition     = alltrue([for filter in aws_cloudwatch_log_metric_filter.this : filter.log_group_name == "/aws/lambda/orders-authorizer" && one(filter.metric_transformation).namespace == "EntraAuthorizer/orders-authorizer" && one(filter.metric_transformation).value == "1"])
    error_message = "Every filter must read the authorizer's log group and count into EntraAuthorizer/<name>."
  }

  assert {
    condition = { for key, filter in aws_cloudwatch_log_metric_filter.this : key => [filter.pattern, one(filter.metric_transformation).name] } == {
      "refusals"              = ["{ $.decision = \"deny\" }", "Refusals"]
      "refusals-by-reason"    = ["{ $.decision = \"deny\" }", "RefusalsByReason"]
      "jwks-unavailable"      = ["{ $.reason = \"JWKS_UNAVAILABLE\" }", "JwksUnavailable"]
      "invalid-configuration" = ["{ $.reason = \"INVALID_CONFIGURATION\" }", "InvalidConfiguration"]
      "errors"                = ["{ $.level = \"ERROR\" && $.service = \"entra-authorizer\" }", "Errors"]
      "unauthorized"          = ["{ $.answer = \"unauthorized\" }", "Unauthorized"]
    }
    error_message = "The filters must match the decision line's keys (docs/security-model.md#logs)."
  }

  assert {
    condition     = one(aws_cloudwatch_log_metric_filter.this["refusals-by-reason"].metric_transformation).dimensions == tomap({ Reason = "$.reason" }) && one(aws_cloudwatch_log_metric_filter.this["refusals"].metric_transformation).dimensions == null
    error_message = "Refusals by reason must carry the Reason dimension from $.reason; the total has none, so an alarm can read it."
  }

  assert {
    condition     = output.metric_namespace == "EntraAuthorizer/orders-authorizer" && output.alarm_arns == {}
    error_message = "Alarms must be off by default."
  }
}

run "metric_namespace_is_configurable" {
  command = plan

  module {
    source = "./modules/lambda-authorizer"
  }

  variables {
    metric_namespace = "Platform/Auth"
  }

  assert {
    condition     = alltrue([for filter in aws_cloudwatch_log_metric_filter.this : one(filter.metric_transformation).namespace == "Platform/Auth"])
    error_message = "metric_namespace must reach every filter."
  }
}

run "alarms_watch_outages_misconfiguration_refusals_throttles_and_errors" {

  module {
    source = "./modules/lambda-authorizer"
  }
  variables {
    create_alarms                = true
    alarm_actions                = ["arn:aws:sns:us-east-1:123456789012:on-call"]
    alarm_refusal_rate_threshold = 40
  }

  assert {
    condition     = keys(output.alarm_arns) == ["errors", "invalid-configuration", "jwks-unavailable", "refusal-rate", "throttles"]
    error_message = "Five alarms must exist: ${jsonencode(keys(output.alarm_arns))}"
  }

  assert {
    condition     = alltrue([for alarm in concat(aws_cloudwatch_metric_alarm.jwks_unavailable, aws_cloudwatch_metric_alarm.invalid_configuration, aws_cloudwatch_metric_alarm.refusal_rate, values(aws_cloudwatch_metric_alarm.lambda)) : alarm.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:on-call"]) && alarm.ok_actions == toset(["arn:aws:sns:us-east-1:123456789012:on-call"]) && alarm.treat_missing_data == "notBreaching"])
    error_message = "Every alarm must notify alarm_actions, also on recovery, and stay quiet without data."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.jwks_unavailable[0].metric_name == "JwksUnavailable" && aws_cloudwatch_metric_alarm.jwks_unavailable[0].namespace == "EntraAuthorizer/orders-authorizer" && aws_cloudwatch_metric_alarm.jwks_unavailable[0].threshold == 1
    error_message = "The JWKS alarm must fire on the first JWKS_UNAVAILABLE."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.invalid_configuration[0].metric_name == "InvalidConfiguration" && aws_cloudwatch_metric_alarm.invalid_configuration[0].threshold == 1 && aws_cloudwatch_metric_alarm.invalid_configuration[0].comparison_operator == "GreaterThanOrEqualToThreshold"
    error_message = "The configuration alarm must fire on any occurrence."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.refusal_rate[0].threshold == 40 && { for query in aws_cloudwatch_metric_alarm.refusal_rate[0].metric_query : query.id => query.expression if try(length(query.expression), 0) > 0 } == { rate = "IF(invocations >= 10, 100 * FILL(refusals, 0) / invocations, 0)" }
    error_message = "The refusal-rate alarm must compare refusals per invocation with the threshold."
  }

  assert {
    condition = { for query in aws_cloudwatch_metric_alarm.refusal_rate[0].metric_query : query.id => [one(query.metric).namespace, one(query.metric).metric_name, jsonencode(one(query.metric).dimensions)] if length(query.metric) > 0 } == {
      refusals    = ["EntraAuthorizer/orders-authorizer", "Refusals", "null"]
      invocations = ["AWS/Lambda", "Invocations", "{\"FunctionName\":\"orders-authorizer\"}"]
    }
    error_message = "The rate must divide the authorizer's refusals by its Lambda invocations."
  }

  assert {
    condition     = { for metric, alarm in aws_cloudwatch_metric_alarm.lambda : metric => [for query in alarm.metric_query : query.expression if query.return_data == true] } == { Throttles = ["FILL(lambda, 0)"], Errors = ["FILL(lambda, 0) - FILL(unauthorized, 0)"] }
    error_message = "Errors must leave out REST APIs' 401s; throttles are taken as they are."
  }

  assert {
    condition = { for metric, alarm in aws_cloudwatch_metric_alarm.lambda : metric => sort([for query in alarm.metric_query : "${query.id}=${one(query.metric).namespace}/${one(query.metric).metric_name} ${jsonencode(one(query.metric).dimensions)}" if query.return_data != true]) } == {
      Throttles = tolist(["lambda=AWS/Lambda/Throttles {\"FunctionName\":\"orders-authorizer\"}"])
      Errors    = tolist(["lambda=AWS/Lambda/Errors {\"FunctionName\":\"orders-authorizer\"}", "unauthorized=EntraAuthorizer/orders-authorizer/Unauthorized null"])
    }
    error_message = "Throttles and errors must come from the function's AWS/Lambda metrics, errors less REST APIs' 401s."
  }
}
