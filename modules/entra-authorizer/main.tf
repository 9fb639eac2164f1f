locals {
  # API Gateway caches one answer per identity-source value and reuses it for every route of the
  # API. With route rules the answer depends on the route (a simple answer is one route's
  # isAuthorized; an IAM Allow names only the requested route), so the route joins the identity
  # sources in both modes. Also without caching (TTL 0): identity sources are the cache key, and
  # one setting per configuration, not per TTL, keeps an answer's meaning the same when the TTL moves.
  cache_per_route = length(var.route_permissions) > 0

  identity_sources = concat(
    ["$request.header.Authorization"],
    local.cache_per_route ? ["$context.routeKey"] : [],
  )

  environment_variables = merge(
    {
      ENTRA_TENANT_ID      = var.tenant_id
      ENTRA_AUDIENCE       = join(",", distinct(concat([var.audience], var.additional_audiences)))
      ENTRA_TOKEN_VERSIONS = join(",", sort(distinct(var.token_versions)))
      ENTRA_AUTHORITY_HOST = var.authority_host
      AUTHZ_RESPONSE_MODE  = var.response_mode
      LOG_LEVEL            = var.log_level
    },
    var.jwks_uri == null ? {} : { ENTRA_JWKS_URI = var.jwks_uri },
    length(var.route_permissions) == 0 ? {} : { AUTHZ_ROUTE_PERMISSIONS = jsonencode(var.route_permissions) },
  )

  package_path       = coalesce(var.package_path, "${path.module}/../../dist/authorizer.zip")
  layer_package_path = coalesce(var.layer_package_path, "${path.module}/../../dist/jwt-verify-layer.zip")
  layer_arn          = var.create_layer ? aws_lambda_layer_version.this[0].arn : var.layer_arn
}

################################################################################
# Authorizer
################################################################################

resource "aws_apigatewayv2_authorizer" "this" {
  name                              = var.name
  api_id                            = var.api_id
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = aws_lambda_function.this.invoke_arn
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = var.response_mode == "simple"
  identity_sources                  = local.identity_sources
  authorizer_result_ttl_in_seconds  = var.cache_ttl_seconds
}

# Only this authorizer of this API may invoke the function.
resource "aws_lambda_permission" "authorizer" {
  statement_id  = "AllowApiGatewayAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${var.api_execution_arn}/authorizers/${aws_apigatewayv2_authorizer.this.id}"
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = "Entra ID access token authorizer for HTTP API ${var.api_id}"
  role          = aws_iam_role.this.arn

  filename         = local.package_path
  source_code_hash = filebase64sha256(local.package_path)
  handler          = "index.handler"
  runtime          = var.runtime
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout
  layers           = compact([local.layer_arn])

  environment {
    variables = local.environment_variables
  }

  tags = var.tags

  # The log group must exist before the first invocation, or Lambda creates an unmanaged one
  # without retention; the role must be able to write to it from that invocation on.
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.logs,
  ]

  lifecycle {
    precondition {
      condition     = var.create_layer || var.layer_arn != null
      error_message = "layer_arn must be set when create_layer is false: the authorizer needs the aws-jwt-verify layer."
    }
  }
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
# Layer
################################################################################

# Published here rather than through ../jwt-verify-layer, so this module is self-contained and
# also works when referenced on its own by local path (which makes it its own module package).
resource "aws_lambda_layer_version" "this" {
  count = var.create_layer ? 1 : 0

  layer_name  = coalesce(var.layer_name, "${var.name}-jwt-verify")
  description = "aws-jwt-verify for the Entra ID authorizer ${var.name}"

  filename         = local.layer_package_path
  source_code_hash = filebase64sha256(local.layer_package_path)

  compatible_runtimes      = distinct(["nodejs22.x", var.runtime])
  compatible_architectures = ["arm64", "x86_64"]
  license_info             = "Apache-2.0"
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
