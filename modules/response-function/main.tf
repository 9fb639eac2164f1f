locals {
  package_path = coalesce(var.package_path, "${path.module}/../../dist/response.zip")
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = "Sample backend of an HTTP API protected by the Entra ID authorizer"
  role          = aws_iam_role.this.arn

  filename         = local.package_path
  source_code_hash = filebase64sha256(local.package_path)
  handler          = "index.handler"
  runtime          = var.runtime
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout

  environment {
    variables = {
      LOG_LEVEL = var.log_level
    }
  }

  tags = var.tags

  # The log group must exist before the first invocation, or Lambda creates an unmanaged one
  # without retention; the role must be able to write to it from that invocation on.
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.logs,
  ]
}

resource "aws_iam_role" "this" {
  name = var.name

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

################################################################################
# Logs
################################################################################

# Lambda writes to /aws/lambda/<function name> by convention.
resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

# Only the function's own log group, and no logs:CreateLogGroup: Terraform owns the group.
resource "aws_iam_role_policy" "logs" {
  name = "write-own-log-group"
  role = aws_iam_role.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.this.arn}:*"
    }]
  })
}
