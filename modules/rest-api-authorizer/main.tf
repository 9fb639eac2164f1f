locals {
  has_route_rules = length(var.route_permissions) > 0
  # What API Gateway caches an answer under: with route rules, a REQUEST authorizer adds the method
  # and resource (REST identity sources of the Context type are written context.<name>), so an
  # answer is for one method; a TOKEN authorizer's key is the token alone.
  cache_key = var.authorizer_type == "REQUEST" && local.has_route_rules ? "route" : "token"
  identity_source = join(",", concat(
    ["method.request.header.Authorization"],
    local.cache_key == "route" ? ["context.httpMethod", "context.resourcePath"] : [],
  ))

  # Each rule with only the parts that are set: Lambda caps the whole environment at 4 KB.
  route_permissions = {
    for key, rule in var.route_permissions : key => {
      for part, value in rule : part => value if(value == null ? false : length(value) > 0)
    }
  }

  front_door_environment = merge(
    { AUTHZ_REST_CACHE_KEY = local.cache_key },
    local.has_route_rules ? { AUTHZ_ROUTE_PERMISSIONS = jsonencode(local.route_permissions) } : {},
    var.usage_identifier_claim == null ? {} : { AUTHZ_USAGE_IDENTIFIER_CLAIM = var.usage_identifier_claim },
  )

  # RFC 6750 §3: the challenge names the error; the body says it in JSON.
  # $context.error.messageString is API Gateway's message, already a quoted JSON string.
  gateway_responses = var.create_gateway_responses ? {
    UNAUTHORIZED  = { status = "401", error = "invalid_token" }
    ACCESS_DENIED = { status = "403", error = "insufficient_scope" }
  } : {}
}

################################################################################
# Authorizer
################################################################################

# Refuses at plan a rule set the authorizer would refuse at start-up: one it cannot answer exactly
# under this cache key.
module "route_rules" {
  source = "../rest-route-rules"

  route_permissions = var.route_permissions
  cache_key         = local.cache_key
}

resource "aws_api_gateway_authorizer" "this" {
  name                             = var.name
  rest_api_id                      = var.rest_api_id
  type                             = var.authorizer_type
  authorizer_uri                   = module.lambda.invoke_arn
  identity_source                  = local.identity_source
  authorizer_result_ttl_in_seconds = var.cache_ttl_seconds

  # API Gateway refuses to delete an authorizer a method still uses: when this one is replaced,
  # Terraform moves the methods to the new one first.
  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = module.route_rules.problem == null
      error_message = "route_permissions cannot be answered exactly with authorizer_type = ${var.authorizer_type}: ${coalesce(module.route_rules.problem, "-")}. ${local.cache_key == "token" ? "Use authorizer_type = \"REQUEST\", whose cache key holds the method and resource." : ""}"
    }
  }
}

# Only this authorizer of this API may invoke the function.
resource "aws_lambda_permission" "authorizer" {
  statement_id  = "AllowApiGatewayAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = module.lambda.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${var.rest_api_execution_arn}/authorizers/${aws_api_gateway_authorizer.this.id}"
}

# 401 for a token that proves nothing (and for a request without the header), 403 for a verified
# token without the right; static values are single-quoted.
resource "aws_api_gateway_gateway_response" "this" {
  for_each = local.gateway_responses

  rest_api_id   = var.rest_api_id
  response_type = each.key
  status_code   = each.value.status

  response_parameters = {
    "gatewayresponse.header.WWW-Authenticate" = "'Bearer realm=\"${var.realm}\", error=\"${each.value.error}\"'"
  }

  response_templates = {
    "application/json" = "{\"error\":\"${each.value.error}\",\"message\":$context.error.messageString}"
  }
}

################################################################################
# Function
################################################################################

module "lambda" {
  source = "../lambda-authorizer"

  name                         = var.name
  description                  = "Entra ID access token authorizer for a REST API"
  front_door_environment       = local.front_door_environment
  verified_token_cache_seconds = var.verified_token_cache_seconds
  jwks_key_retention_hours     = var.jwks_key_retention_hours

  tenant_id            = var.tenant_id
  audience             = var.audience
  additional_audiences = var.additional_audiences
  token_versions       = var.token_versions
  cloud                = var.cloud
  authority_host       = var.authority_host
  jwks_uri             = var.jwks_uri
  allowed_tenant_ids   = var.allowed_tenant_ids
  allowed_client_ids   = var.allowed_client_ids

  package_path          = var.package_path
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.memory_size
  timeout               = var.timeout
  application_log_level = var.application_log_level
  system_log_level      = var.system_log_level

  create_role               = var.create_role
  role_arn                  = var.role_arn
  role_name                 = var.role_name
  role_name_use_prefix      = var.role_name_use_prefix
  role_path                 = var.role_path
  role_permissions_boundary = var.role_permissions_boundary

  create_layer       = var.create_layer
  layer_name         = var.layer_name
  layer_arn          = var.layer_arn
  layer_package_path = var.layer_package_path

  log_retention_in_days = var.log_retention_in_days
  kms_key_id            = var.kms_key_id

  metric_namespace             = var.metric_namespace
  create_alarms                = var.create_alarms
  alarm_actions                = var.alarm_actions
  alarm_refusal_rate_threshold = var.alarm_refusal_rate_threshold

  tags = var.tags
}
