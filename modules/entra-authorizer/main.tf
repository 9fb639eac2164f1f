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

  # Each rule with only the parts that are set ([] and null are the same as absent): Lambda caps
  # the whole environment at 4 KB. An empty rule ({}) stays: it means the baseline.
  route_permissions = {
    for key, rule in var.route_permissions : key => {
      for part, value in rule : part => value if(value == null ? false : length(value) > 0)
    }
  }

  # This front door's part of the contract with the authorizer (lambda-src/authorizer/config.ts);
  # ../lambda-authorizer adds the identity settings.
  front_door_environment = merge(
    { AUTHZ_RESPONSE_MODE = var.response_mode },
    length(local.route_permissions) == 0 ? {} : { AUTHZ_ROUTE_PERMISSIONS = jsonencode(local.route_permissions) },
  )
}

################################################################################
# Authorizer
################################################################################

resource "aws_apigatewayv2_authorizer" "this" {
  name                              = var.name
  api_id                            = var.api_id
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = module.lambda.invoke_arn
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = var.response_mode == "simple"
  identity_sources                  = local.identity_sources
  authorizer_result_ttl_in_seconds  = var.cache_ttl_seconds

  # API Gateway refuses to delete an authorizer a route still uses (409 ConflictException). When
  # this authorizer goes away or is replaced (the root module's use_native_jwt_authorizer, an
  # api_id change), this makes Terraform move the routes that use it first, then delete it.
  lifecycle {
    create_before_destroy = true
  }
}

# Only this authorizer of this API may invoke the function.
resource "aws_lambda_permission" "authorizer" {
  statement_id  = "AllowApiGatewayAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = module.lambda.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${var.api_execution_arn}/authorizers/${aws_apigatewayv2_authorizer.this.id}"
}

################################################################################
# Function
################################################################################

module "lambda" {
  source = "../lambda-authorizer"

  name                         = var.name
  description                  = "Entra ID access token authorizer"
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

################################################################################
# Upgrades
################################################################################

# 0.2 moved the function, its layer and its monitoring into ../lambda-authorizer, shared with the
# REST API and AppSync authorizers: the same resources at new addresses, nothing is replaced.
moved {
  from = module.function
  to   = module.lambda.module.function
}

moved {
  from = module.layer
  to   = module.lambda.module.layer
}

moved {
  from = aws_cloudwatch_log_metric_filter.this
  to   = module.lambda.aws_cloudwatch_log_metric_filter.this
}

moved {
  from = aws_cloudwatch_metric_alarm.jwks_unavailable
  to   = module.lambda.aws_cloudwatch_metric_alarm.jwks_unavailable
}

moved {
  from = aws_cloudwatch_metric_alarm.invalid_configuration
  to   = module.lambda.aws_cloudwatch_metric_alarm.invalid_configuration
}

moved {
  from = aws_cloudwatch_metric_alarm.refusal_rate
  to   = module.lambda.aws_cloudwatch_metric_alarm.refusal_rate
}

moved {
  from = aws_cloudwatch_metric_alarm.lambda
  to   = module.lambda.aws_cloudwatch_metric_alarm.lambda
}
