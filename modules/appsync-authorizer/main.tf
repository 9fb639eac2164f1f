locals {
  # Each rule with only the parts that are set: Lambda caps the whole environment at 4 KB.
  field_permissions = {
    for key, rule in var.field_permissions : key => {
      for part, value in rule : part => value if(value == null ? false : length(value) > 0)
    }
  }

  front_door_environment = merge(
    { AUTHZ_CACHE_TTL_SECONDS = tostring(var.cache_ttl_seconds) },
    length(local.field_permissions) == 0 ? {} : { AUTHZ_FIELD_PERMISSIONS = jsonencode(local.field_permissions) },
  )
}

################################################################################
# Authorizer
################################################################################

# Only this GraphQL API may invoke the function (AppSync's AWS_LAMBDA authorization).
resource "aws_lambda_permission" "appsync" {
  statement_id  = "AllowAppSyncAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = module.lambda.function_name
  principal     = "appsync.amazonaws.com"
  source_arn    = var.graphql_api_arn
}

################################################################################
# Function
################################################################################

module "lambda" {
  source = "../lambda-authorizer"

  name                         = var.name
  description                  = "Entra ID access token authorizer for an AppSync GraphQL API"
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
