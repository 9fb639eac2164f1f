locals {
  # Cross-variable rules are checked here and in outputs.tf, not in validation blocks: before
  # Terraform 1.9 a variable's validation cannot read another variable.
  routes_without_permission = [
    for route in var.routes : route
    if length(var.route_permissions) > 0 && !contains(keys(var.route_permissions), route) && !contains(keys(var.route_permissions), "*")
  ]

  access_log_format = coalesce(var.access_log_format, jsonencode({
    requestId          = "$context.requestId"
    ip                 = "$context.identity.sourceIp"
    requestTime        = "$context.requestTime"
    routeKey           = "$context.routeKey"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    integrationError   = "$context.integrationErrorMessage"
    authorizerError    = "$context.authorizer.error"
    authorizerStatus   = "$context.authorizer.status"
    authorizerLatency  = "$context.authorizer.latency"
    integrationLatency = "$context.integrationLatency"
  }))
}

################################################################################
# Authorizer
################################################################################

module "entra_authorizer" {
  source = "./modules/entra-authorizer"

  api_id            = aws_apigatewayv2_api.this.id
  api_execution_arn = aws_apigatewayv2_api.this.execution_arn

  name              = "${var.name}-authorizer"
  response_mode     = var.authorizer_response_mode
  cache_ttl_seconds = var.authorizer_cache_ttl_seconds
  route_permissions = var.route_permissions

  tenant_id            = var.tenant_id
  audience             = var.audience
  additional_audiences = var.additional_audiences
  token_versions       = var.token_versions
  authority_host       = var.authority_host
  jwks_uri             = var.jwks_uri

  package_path = var.authorizer_package_path
  runtime      = var.runtime
  architecture = var.architecture
  memory_size  = var.memory_size
  timeout      = var.timeout
  log_level    = var.log_level

  create_layer = false
  layer_arn    = module.jwt_verify_layer.layer_arn

  log_retention_in_days = var.log_retention_in_days

  tags = var.tags
}

module "jwt_verify_layer" {
  source = "./modules/jwt-verify-layer"

  name                = "${var.name}-jwt-verify"
  package_path        = var.layer_package_path
  compatible_runtimes = distinct(["nodejs22.x", var.runtime])
}

################################################################################
# Functions
################################################################################

module "response_function" {
  source = "./modules/response-function"

  name         = "${var.name}-response"
  package_path = var.response_package_path
  runtime      = var.runtime
  architecture = var.architecture
  log_level    = var.log_level

  log_retention_in_days = var.log_retention_in_days

  tags = var.tags
}

################################################################################
# API
################################################################################

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = "HTTP API protected by Entra ID access tokens"
  protocol_type = "HTTP"

  dynamic "cors_configuration" {
    for_each = var.cors_configuration == null ? [] : [var.cors_configuration]

    content {
      allow_origins     = cors_configuration.value.allow_origins
      allow_methods     = cors_configuration.value.allow_methods
      allow_headers     = cors_configuration.value.allow_headers
      expose_headers    = cors_configuration.value.expose_headers
      max_age           = cors_configuration.value.max_age
      allow_credentials = cors_configuration.value.allow_credentials
    }
  }

  tags = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  dynamic "access_log_settings" {
    for_each = var.access_log_enabled ? [1] : []

    content {
      destination_arn = aws_cloudwatch_log_group.access_logs[0].arn
      format          = local.access_log_format
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "access_logs" {
  count = var.access_log_enabled ? 1 : 0

  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

resource "aws_apigatewayv2_integration" "this" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = module.response_function.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each = toset(var.routes)

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.value
  target             = "integrations/${aws_apigatewayv2_integration.this.id}"
  authorization_type = "CUSTOM"
  authorizer_id      = module.entra_authorizer.authorizer_id
}

# Any stage and route of this API, and nothing else, may invoke the response function.
resource "aws_lambda_permission" "integration" {
  statement_id  = "AllowApiGatewayIntegration"
  action        = "lambda:InvokeFunction"
  function_name = module.response_function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}
