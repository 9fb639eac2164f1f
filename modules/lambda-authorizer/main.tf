# The Entra ID authorizer function that every front door shares: its environment (the contract
# with lambda-src/authorizer/config.ts), the function, the aws-jwt-verify layer, and the metric
# filters and alarms over its log. Private to this repository: modules/entra-authorizer (HTTP
# APIs), modules/rest-api-authorizer and modules/appsync-authorizer add what their front door needs.

locals {
  # The contract with the authorizer: the identity settings here, the front door's rules from the
  # calling module (AUTHZ_*), each under the one name config.ts reads.
  environment_variables = merge(
    {
      ENTRA_TENANT_ID                = var.tenant_id
      ENTRA_AUDIENCE                 = join(",", distinct(concat([var.audience], var.additional_audiences)))
      ENTRA_TOKEN_VERSIONS           = join(",", sort(distinct(var.token_versions)))
      ENTRA_CLOUD                    = var.cloud
      ENTRA_JWKS_KEY_RETENTION_HOURS = tostring(var.jwks_key_retention_hours)
      AUTHZ_TOKEN_CACHE_SECONDS      = tostring(var.verified_token_cache_seconds)
    },
    var.authority_host == null ? {} : { ENTRA_AUTHORITY_HOST = var.authority_host },
    var.jwks_uri == null ? {} : { ENTRA_JWKS_URI = var.jwks_uri },
    length(var.allowed_tenant_ids) == 0 ? {} : { ENTRA_ALLOWED_TENANT_IDS = join(",", distinct(var.allowed_tenant_ids)) },
    length(var.allowed_client_ids) == 0 ? {} : { ENTRA_ALLOWED_CLIENT_IDS = join(",", distinct(var.allowed_client_ids)) },
    var.front_door_environment,
  )

  # Lambda refuses an environment whose keys and values exceed 4 KB, measured as the JSON object
  # {"KEY":"value",…} (its error quotes the "String measured"). UTF-8 bytes of that JSON, counted
  # through base64, since length() counts characters.
  # https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
  environment_base64 = base64encode(jsonencode(local.environment_variables))
  environment_bytes  = length(local.environment_base64) / 4 * 3 - length(regexall("=", local.environment_base64))
  environment_limit  = 4096
  rules_characters = sum(concat([0], [
    for key, value in var.front_door_environment : length(value) if endswith(key, "_PERMISSIONS")
  ]))

  layer_arn = var.create_layer ? module.layer[0].layer_arn : var.layer_arn

  # The repository's dist/ folder, two levels up; see modules/jwt-verify-layer/main.tf.
  package_path = coalesce(var.package_path, "${path.module}/../../dist/authorizer.zip")

  metric_namespace = coalesce(var.metric_namespace, "EntraAuthorizer/${var.name}")
}

################################################################################
# Function
################################################################################

module "function" {
  source = "../function"

  name         = var.name
  description  = var.description
  package_path = local.package_path
  runtime      = var.runtime
  architecture = var.architecture
  memory_size  = var.memory_size
  timeout      = var.timeout
  environment  = local.environment_variables
  layers       = [local.layer_arn]

  application_log_level = var.application_log_level
  system_log_level      = var.system_log_level

  create_role               = var.create_role
  role_arn                  = var.role_arn
  role_name                 = var.role_name
  role_name_use_prefix      = var.role_name_use_prefix
  role_path                 = var.role_path
  role_permissions_boundary = var.role_permissions_boundary

  log_retention_in_days = var.log_retention_in_days
  kms_key_id            = var.kms_key_id

  tags = var.tags
}

################################################################################
# Layer
################################################################################

module "layer" {
  source = "../jwt-verify-layer"
  count  = var.create_layer ? 1 : 0

  name                = coalesce(var.layer_name, "${var.name}-jwt-verify")
  description         = "aws-jwt-verify for the Entra ID authorizer ${var.name}"
  package_path        = var.layer_package_path
  compatible_runtimes = [var.runtime]
}
