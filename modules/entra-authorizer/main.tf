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

  # The contract with the authorizer (lambda-src/authorizer/config.ts reads these).
  environment_variables = merge(
    {
      ENTRA_TENANT_ID           = var.tenant_id
      ENTRA_AUDIENCE            = join(",", distinct(concat([var.audience], var.additional_audiences)))
      ENTRA_TOKEN_VERSIONS      = join(",", sort(distinct(var.token_versions)))
      ENTRA_CLOUD               = var.cloud
      AUTHZ_RESPONSE_MODE       = var.response_mode
      AUTHZ_TOKEN_CACHE_SECONDS = tostring(var.verified_token_cache_seconds)
    },
    var.authority_host == null ? {} : { ENTRA_AUTHORITY_HOST = var.authority_host },
    var.jwks_uri == null ? {} : { ENTRA_JWKS_URI = var.jwks_uri },
    length(var.allowed_tenant_ids) == 0 ? {} : { ENTRA_ALLOWED_TENANT_IDS = join(",", distinct(var.allowed_tenant_ids)) },
    length(var.allowed_client_ids) == 0 ? {} : { ENTRA_ALLOWED_CLIENT_IDS = join(",", distinct(var.allowed_client_ids)) },
    length(local.route_permissions) == 0 ? {} : { AUTHZ_ROUTE_PERMISSIONS = jsonencode(local.route_permissions) },
  )

  # Lambda refuses an environment whose keys and values exceed 4 KB, measured as the JSON object
  # {"KEY":"value",…} (its error quotes the "String measured"). UTF-8 bytes of that JSON, counted
  # through base64, since length() counts characters.
  # https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
  environment_base64 = base64encode(jsonencode(local.environment_variables))
  environment_bytes  = length(local.environment_base64) / 4 * 3 - length(regexall("=", local.environment_base64))
  environment_limit  = 4096

  layer_arn = var.create_layer ? module.layer[0].layer_arn : var.layer_arn

  # The repository's dist/ folder, two levels up; see modules/jwt-verify-layer/main.tf.
  package_path = coalesce(var.package_path, "${path.module}/../../dist/authorizer.zip")

  metric_namespace = coalesce(var.metric_namespace, "EntraAuthorizer/${var.name}")
}

################################################################################
# Authorizer
################################################################################

resource "aws_apigatewayv2_authorizer" "this" {
  name                              = var.name
  api_id                            = var.api_id
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = module.function.invoke_arn
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = var.response_mode == "simple"
  identity_sources                  = local.identity_sources
  authorizer_result_ttl_in_seconds  = var.cache_ttl_seconds
}

# Only this authorizer of this API may invoke the function.
resource "aws_lambda_permission" "authorizer" {
  statement_id  = "AllowApiGatewayAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${var.api_execution_arn}/authorizers/${aws_apigatewayv2_authorizer.this.id}"
}

################################################################################
# Function
################################################################################

module "function" {
  source = "../function"

  name         = var.name
  description  = "Entra ID access token authorizer"
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
