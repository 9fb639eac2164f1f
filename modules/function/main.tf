# One Lambda function with its log group and, unless an existing role is passed in, its execution
# role. Private to this repository: modules/entra-authorizer and modules/response-function call it,
# so both functions are defined once. Not a public interface.

locals {
  role_name = coalesce(var.role_name, var.name)
  role_arn  = var.create_role ? aws_iam_role.this[0].arn : var.role_arn
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = var.description
  role          = local.role_arn

  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  handler          = "index.handler"
  runtime          = var.runtime
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout
  layers           = var.layers

  dynamic "environment" {
    for_each = length(var.environment) > 0 ? [var.environment] : []

    content {
      variables = environment.value
    }
  }

  # JSON log lines, filtered by level by Lambda itself; Lambda sets AWS_LAMBDA_LOG_LEVEL from
  # application_log_level. https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.application_log_level
    system_log_level      = var.system_log_level
  }

  tags = var.tags

  # The log group must exist before the first invocation, or Lambda creates an unmanaged one
  # without retention; the role must be able to write to it from that invocation on.
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.logs,
  ]
}

################################################################################
# IAM
################################################################################

resource "aws_iam_role" "this" {
  count = var.create_role ? 1 : 0

  name        = var.role_name_use_prefix ? null : local.role_name
  name_prefix = var.role_name_use_prefix ? substr("${local.role_name}-", 0, 38) : null
  path        = var.role_path

  permissions_boundary = var.role_permissions_boundary

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })

  tags = var.tags
}

# Only the function's own log group, and no logs:CreateLogGroup: Terraform owns the group.
resource "aws_iam_role_policy" "logs" {
  count = var.create_role ? 1 : 0

  name = "write-own-log-group"
  role = aws_iam_role.this[0].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.this.arn}:*"
    }]
  })
}

################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.kms_key_id

  tags = var.tags
}
