provider "aws" {
  region = var.region
}

locals {
  # One method per rule kind, and one public method. With a TOKEN authorizer every answer is cached
  # under the token and must be right for every method: these rules are (the module checks at plan).
  route_permissions = {
    "GET /items"         = { scopes = ["api.read"], roles = ["Items.Read.All"] }
    "POST /items"        = { roles = ["Items.Write"] }
    "DELETE /items/{id}" = { roles = ["Items.Admin"], condition = "has(claims.idtyp) && claims.idtyp == \"app\"" }
    "GET /reports"       = { clients = var.reporting_client_ids }
  }
  public_methods = {
    "GET /health" = {}
  }
  methods = merge(
    { for key, rule in local.route_permissions : key => { authorization = "CUSTOM" } },
    { for key, method in local.public_methods : key => { authorization = "NONE" } },
  )
  # Resource paths below the root, each with its parent: /items, /items/{id}, /reports, /health.
  paths = distinct(flatten([
    for key in keys(local.methods) : [
      for depth in range(1, length(split("/", split(" ", key)[1]))) :
      join("/", slice(split("/", split(" ", key)[1]), 0, depth + 1))
    ]
  ]))
}

################################################################################
# REST API
################################################################################

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "REST API protected by Entra ID access tokens"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

# Resources by path, one level at a time (a resource names its parent).
resource "aws_api_gateway_resource" "level1" {
  for_each = toset([for path in local.paths : path if length(split("/", path)) == 2])

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = split("/", each.key)[1]
}

resource "aws_api_gateway_resource" "level2" {
  for_each = toset([for path in local.paths : path if length(split("/", path)) == 3])

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.level1[join("/", slice(split("/", each.key), 0, 2))].id
  path_part   = split("/", each.key)[2]
}

locals {
  resource_ids = merge(
    { for path, resource in aws_api_gateway_resource.level1 : path => resource.id },
    { for path, resource in aws_api_gateway_resource.level2 : path => resource.id },
  )
}

resource "aws_api_gateway_method" "this" {
  for_each = local.methods

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = local.resource_ids[split(" ", each.key)[1]]
  http_method   = split(" ", each.key)[0]
  authorization = each.value.authorization
  authorizer_id = each.value.authorization == "CUSTOM" ? module.entra_authorizer.authorizer_id : null
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.methods

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_method.this[each.key].resource_id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = module.backend.invoke_arn
}

# API Gateway may invoke the backend for these methods of this API only.
resource "aws_lambda_permission" "backend" {
  for_each = local.methods

  statement_id  = "AllowApiGateway-${substr(sha256(each.key), 0, 16)}"
  action        = "lambda:InvokeFunction"
  function_name = module.backend.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/${split(" ", each.key)[0]}${replace(split(" ", each.key)[1], "/\\{[^}]+\\}/", "*")}"
}

################################################################################
# Entra ID authorizer
################################################################################

module "entra_authorizer" {
  source = "../../modules/rest-api-authorizer"

  rest_api_id            = aws_api_gateway_rest_api.this.id
  rest_api_execution_arn = aws_api_gateway_rest_api.this.execution_arn

  name                 = "${var.name}-authorizer"
  tenant_id            = var.tenant_id
  audience             = var.audience
  additional_audiences = var.api_client_id == null ? [] : [var.api_client_id]
  route_permissions    = local.route_permissions
  realm                = var.name
}

################################################################################
# Deployment and stage
################################################################################

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # A REST API serves what was deployed: redeploy when a method, an integration, the authorizer or
  # a gateway response changes.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.this,
      aws_api_gateway_integration.this,
      module.entra_authorizer.authorizer_id,
      module.entra_authorizer.gateway_response_ids,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = "prod"

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId      = "$context.requestId"
      httpMethod     = "$context.httpMethod"
      resourcePath   = "$context.resourcePath"
      status         = "$context.status"
      principalId    = "$context.authorizer.principalId"
      callerTenantId = "$context.authorizer.tid"
      callerClientId = "$context.authorizer.clientId"
      authorizeError = "$context.authorize.error"
      responseType   = "$context.error.responseType"
    })
  }

  depends_on = [aws_api_gateway_account.this]
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}"
  retention_in_days = 365
}

# REST APIs write logs through a role set once per account and Region.
resource "aws_api_gateway_account" "this" {
  count = var.manage_account_logging_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.api_gateway_logs[0].arn
}

resource "aws_iam_role" "api_gateway_logs" {
  count = var.manage_account_logging_role ? 1 : 0

  name = "${var.name}-api-gateway-logs"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "apigateway.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "api_gateway_logs" {
  count = var.manage_account_logging_role ? 1 : 0

  role       = aws_iam_role.api_gateway_logs[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

################################################################################
# Backend
################################################################################

module "backend" {
  source = "../../modules/response-function"

  name = "${var.name}-backend"
}
