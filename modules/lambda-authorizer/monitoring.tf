################################################################################
# Monitoring
################################################################################

# Metric filters over the authorizer's JSON log lines (one object per line, top-level keys level,
# service, decision, answer, reason; docs/security-model.md#logs). A filter costs nothing; the metrics it publishes
# are custom metrics, billed only for the hours in which a log line matched. Refusals by reason is
# one metric per Reason value that occurs: the reason codes are a short, fixed list.
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringPolicyExamples.html
locals {
  metric_filters = {
    refusals = {
      metric  = "Refusals"
      pattern = "{ $.decision = \"deny\" }"
      reason  = false
    }
    refusals-by-reason = {
      metric  = "RefusalsByReason"
      pattern = "{ $.decision = \"deny\" }"
      reason  = true
    }
    jwks-unavailable = {
      metric  = "JwksUnavailable"
      pattern = "{ $.reason = \"JWKS_UNAVAILABLE\" }"
      reason  = false
    }
    invalid-configuration = {
      metric  = "InvalidConfiguration"
      pattern = "{ $.reason = \"INVALID_CONFIGURATION\" }"
      reason  = false
    }
    # The authorizer's own ERROR lines, not the runtime's line for each failed invocation: a REST
    # API's 401 is a failed invocation ("Unauthorized") too.
    errors = {
      metric  = "Errors"
      pattern = "{ $.level = \"ERROR\" && $.service = \"entra-authorizer\" }"
      reason  = false
    }
    # REST APIs only: tokens answered 401 by failing the invocation, which AWS/Lambda counts as errors.
    unauthorized = {
      metric  = "Unauthorized"
      pattern = "{ $.answer = \"unauthorized\" }"
      reason  = false
    }
  }

  function_dimensions = { FunctionName = module.function.function_name }
}

resource "aws_cloudwatch_log_metric_filter" "this" {
  for_each = local.metric_filters

  name           = "${var.name}-${each.key}"
  log_group_name = module.function.log_group_name
  pattern        = each.value.pattern

  metric_transformation {
    name       = each.value.metric
    namespace  = local.metric_namespace
    value      = "1"
    unit       = "Count"
    dimensions = each.value.reason ? { Reason = "$.reason" } : null
  }
}

# The signing keys could not be fetched: every request is refused until they can.
resource "aws_cloudwatch_metric_alarm" "jwks_unavailable" {
  count = var.create_alarms ? 1 : 0

  alarm_name          = "${var.name}-jwks-unavailable"
  alarm_description   = "The Entra ID authorizer ${var.name} could not fetch the signing keys (JWKS_UNAVAILABLE): tokens cannot be verified and calls are refused."
  namespace           = local.metric_namespace
  metric_name         = "JwksUnavailable"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  tags = var.tags

  depends_on = [aws_cloudwatch_log_metric_filter.this]
}

# Any configuration error: the authorizer refuses every request until it is fixed.
resource "aws_cloudwatch_metric_alarm" "invalid_configuration" {
  count = var.create_alarms ? 1 : 0

  alarm_name          = "${var.name}-invalid-configuration"
  alarm_description   = "The Entra ID authorizer ${var.name} reports INVALID_CONFIGURATION: it refuses every call until its environment is fixed. Its log names the variable."
  namespace           = local.metric_namespace
  metric_name         = "InvalidConfiguration"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  tags = var.tags

  depends_on = [aws_cloudwatch_log_metric_filter.this]
}

# Share of authorizer invocations that end in a refusal, in percent. Fewer than 10 invocations in
# a period count as 0 %, so a single stray call does not page anyone.
resource "aws_cloudwatch_metric_alarm" "refusal_rate" {
  count = var.create_alarms ? 1 : 0

  alarm_name          = "${var.name}-refusal-rate"
  alarm_description   = "More than ${var.alarm_refusal_rate_threshold} % of the Entra ID authorizer ${var.name}'s invocations end in a refusal (RefusalsByReason tells which)."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_refusal_rate_threshold
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  metric_query {
    id          = "rate"
    expression  = "IF(invocations >= 10, 100 * FILL(refusals, 0) / invocations, 0)"
    label       = "Refusal rate (%)"
    return_data = true
  }

  metric_query {
    id = "refusals"

    metric {
      namespace   = local.metric_namespace
      metric_name = "Refusals"
      period      = 300
      stat        = "Sum"
    }
  }

  metric_query {
    id = "invocations"

    metric {
      namespace   = "AWS/Lambda"
      metric_name = "Invocations"
      dimensions  = local.function_dimensions
      period      = 300
      stat        = "Sum"
    }
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_metric_filter.this]
}

# Lambda's own view of the function: throttled invocations (callers get 5xx) and failed invocations
# other than REST APIs' 401s, which fail by design: a crash, a time-out, or a refusal that must not be
# cached (the authorizer's log says which).
resource "aws_cloudwatch_metric_alarm" "lambda" {
  for_each = var.create_alarms ? toset(["Throttles", "Errors"]) : toset([])

  alarm_name          = "${var.name}-${lower(each.key)}"
  alarm_description   = "The Entra ID authorizer function ${var.name} reports ${each.key} (AWS/Lambda${each.key == "Errors" ? ", less REST APIs' 401s" : ""}): callers get 5xx answers instead of decisions."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  metric_query {
    id          = "failures"
    expression  = each.key == "Errors" ? "FILL(lambda, 0) - FILL(unauthorized, 0)" : "FILL(lambda, 0)"
    label       = each.key
    return_data = true
  }

  metric_query {
    id = "lambda"

    metric {
      namespace   = "AWS/Lambda"
      metric_name = each.key
      dimensions  = local.function_dimensions
      period      = 60
      stat        = "Sum"
    }
  }

  dynamic "metric_query" {
    for_each = each.key == "Errors" ? [1] : []

    content {
      id = "unauthorized"

      metric {
        namespace   = local.metric_namespace
        metric_name = "Unauthorized"
        period      = 60
        stat        = "Sum"
      }
    }
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_metric_filter.this]
}
