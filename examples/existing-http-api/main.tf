provider "aws" {
  region = var.region
}

locals {
  # The API's routes and what each requires: a delegated scope (a user signed in to a client app)
  # or an app role (granted to a client app, and present in client credentials tokens).
  route_permissions = {
    "GET /items"   = { scopes = ["api.read"] }
    "GET /reports" = { roles = ["Reports.Read.All"] }
  }
}

################################################################################
# Your HTTP API
################################################################################

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true
}

# Your backend. This example deploys the repository's sample response function.
module "backend" {
  source = "../../modules/response-function"

  name = "${var.name}-backend"
}

resource "aws_apigatewayv2_integration" "backend" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.backend.function_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.route_permissions

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.backend.id}"
  authorization_type = "CUSTOM"
  authorizer_id      = module.entra_authorizer.authorizer_id
}

# API Gateway may invoke the backend for these routes of this API only.
resource "aws_lambda_permission" "backend" {
  for_each = local.route_permissions

  statement_id  = "AllowApiGateway-${replace(replace(each.key, " /", "-"), "/", "-")}"
  action        = "lambda:InvokeFunction"
  function_name = module.backend.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/${split(" ", each.key)[0]}${split(" ", each.key)[1]}"
}

################################################################################
# Entra ID authorizer, attached to the API
################################################################################

module "entra_authorizer" {
  source = "../../modules/entra-authorizer"

  api_id            = aws_apigatewayv2_api.this.id
  api_execution_arn = aws_apigatewayv2_api.this.execution_arn

  name                 = "${var.name}-authorizer"
  tenant_id            = var.tenant_id
  audience             = var.audience
  additional_audiences = var.api_client_id == null ? [] : [var.api_client_id]
  route_permissions    = local.route_permissions
}
