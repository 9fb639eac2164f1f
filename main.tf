locals {
  # Entra's hosts per cloud, a copy of the authorizer's table (lambda-src/authorizer/config.ts,
  # CLOUD_HOSTS) that a test compares with it. Authority hosts:
  # https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud; v2 issuer hosts
  # (China's differs from its authority host): MSAL's built-in metadata, AuthorityMetadata.ts.
  entra_clouds = {
    public = { authority_host = "login.microsoftonline.com", v2_issuer_host = "login.microsoftonline.com" }
    usgov  = { authority_host = "login.microsoftonline.us", v2_issuer_host = "login.microsoftonline.us" }
    china  = { authority_host = "login.chinacloudapi.cn", v2_issuer_host = "login.partner.microsoftonline.cn" }
  }
  # authority_host, where set, names both: a proxy or a test issuer is the authority and the issuer.
  entra_authority_host = coalesce(var.authority_host, local.entra_clouds[var.cloud].authority_host)
  entra_v2_issuer      = "https://${coalesce(var.authority_host, local.entra_clouds[var.cloud].v2_issuer_host)}/${lower(var.tenant_id)}/v2.0"

  entra_routes = { for key, route in var.routes : key => route if route.authorization == "entra" }

  # The authorizer gets rules only when some entra route has one, and then one entry per entra
  # route ({} entries mean the baseline) and no "*": a route outside routes has no integration.
  has_route_rules = anytrue([
    for route in values(local.entra_routes) :
    length(route.scopes) + length(route.roles) + length(route.clients) > 0 || route.condition != null
  ])
  route_permissions = local.has_route_rules ? {
    for key, route in local.entra_routes : key => {
      scopes    = route.scopes
      roles     = route.roles
      clients   = route.clients
      condition = route.condition
    }
  } : {}

  # With CORS configured API Gateway answers preflight OPTIONS requests itself, but only when the
  # request does not match a route that demands authorization first: an ANY route and $default
  # match OPTIONS too. Each such entra route gets a public OPTIONS route, which outranks $default
  # (OPTIONS /{proxy+}) or equals the ANY route's path with a specific method. AWS documents such a
  # route with an integration (http-api-cors.html, "Configuring CORS for an HTTP API with a
  # $default route and an authorizer"); it is the preflight function, never the protected backend:
  # an OPTIONS request without Origin is no preflight and would reach it without a token.
  # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
  preflight_candidates = var.cors_configuration == null ? [] : concat(
    [for key, route in local.entra_routes : { key = "OPTIONS ${split(" ", key)[1]}", target = key } if startswith(key, "ANY ")],
    [for key, route in local.entra_routes : { key = "OPTIONS /{proxy+}", target = key } if key == "$default"],
  )
  preflight_targets = { for candidate in local.preflight_candidates : candidate.key => candidate.target... }

  # Every route the API gets, with what its integration, route and permission need.
  all_routes = merge(
    {
      for key, route in var.routes : key => {
        function_arn  = route.function_arn
        authorization = route.authorization
        scopes        = route.scopes
      }
    },
    {
      for key, targets in local.preflight_targets : key => {
        function_arn  = null
        authorization = "none"
        scopes        = []
      } if !contains(keys(var.routes), key)
    },
  )
  preflight_route_keys = sort([for key, route in local.all_routes : key if !contains(keys(var.routes), key)])

  # The execute-api ARN a route's calls carry, <api>/<stage>/<METHOD or *>/<path, {param} as *>,
  # scopes each backend's invoke permission to its route. $default calls carry <api>/<stage>/$default.
  route_source_arns = {
    for key in keys(local.all_routes) : key => (
      key == "$default"
      ? "${aws_apigatewayv2_api.this.execution_arn}/*/$default"
      : "${aws_apigatewayv2_api.this.execution_arn}/*/${split(" ", key)[0] == "ANY" ? "*" : split(" ", key)[0]}${replace(split(" ", key)[1], "/\\{[^}]+\\}/", "*")}"
    )
  }

  sample_function_arn = try(module.response_function[0].function_arn, null)
  # Each route's backend: its function_arn, the preflight function for an added OPTIONS route, else
  # the sample backend.
  route_function_arns = {
    for key, route in local.all_routes : key => (
      contains(local.preflight_route_keys, key) ? module.preflight_function[0].function_arn
      : route.function_arn != null ? route.function_arn : local.sample_function_arn
    )
  }

  # Audiences of the native JWT authorizer: like the Lambda authorizer, a GUID and api://<GUID>
  # stand for each other.
  guid_pattern = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
  audiences    = distinct(concat([var.audience], var.additional_audiences))
  jwt_audiences = distinct(flatten([
    for audience in local.audiences : concat(
      [audience],
      can(regex("^${local.guid_pattern}$", audience)) ? ["api://${audience}"] : [],
      can(regex("^api://${local.guid_pattern}$", audience)) ? [trimprefix(audience, "api://")] : [],
    )
  ]))

  authorizer_id = var.use_native_jwt_authorizer ? aws_apigatewayv2_authorizer.jwt[0].id : module.entra_authorizer[0].authorizer_id

  # Only variables HTTP APIs document (http-api-logging-variables.html): $context.authorizer.principalId,
  # .status and .latency exist for REST APIs alone. The Lambda authorizer's answer carries the caller in
  # its context (oid, tid, clientId), which HTTP APIs log as $context.authorizer.<key>; the native JWT
  # authorizer's verified claims are $context.authorizer.claims.<name>. Allowed calls are on record here,
  # so the authorizer writes no log line for them at its default level.
  caller_fields = var.use_native_jwt_authorizer ? {
    callerObjectId = "$context.authorizer.claims.oid"
    callerTenantId = "$context.authorizer.claims.tid"
    callerClientId = "$context.authorizer.claims.azp"
    } : {
    callerObjectId = "$context.authorizer.oid"
    callerTenantId = "$context.authorizer.tid"
    callerClientId = "$context.authorizer.clientId"
  }
  access_log_format = coalesce(var.access_log_format, jsonencode(merge(
    {
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      ip                 = "$context.identity.sourceIp"
      httpMethod         = "$context.httpMethod"
      path               = "$context.path"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      authorizerError    = "$context.authorizer.error"
      integrationStatus  = "$context.integrationStatus"
      integrationError   = "$context.integrationErrorMessage"
      integrationLatency = "$context.integrationLatency"
      responseLatency    = "$context.responseLatency"
      errorResponseType  = "$context.error.responseType"
    },
    local.caller_fields,
  )))
}

################################################################################
# Authorizer
################################################################################

module "entra_authorizer" {
  source = "./modules/entra-authorizer"
  count  = var.use_native_jwt_authorizer ? 0 : 1

  api_id            = aws_apigatewayv2_api.this.id
  api_execution_arn = aws_apigatewayv2_api.this.execution_arn

  name                         = "${var.name}-authorizer"
  response_mode                = var.authorizer_response_mode
  cache_ttl_seconds            = var.authorizer_cache_ttl_seconds
  route_permissions            = local.route_permissions
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

  package_path          = var.authorizer_package_path
  runtime               = var.runtime
  architecture          = var.architecture
  memory_size           = var.memory_size
  timeout               = var.timeout
  application_log_level = var.application_log_level
  system_log_level      = var.system_log_level

  create_role               = var.create_role
  role_arn                  = var.role_arn
  role_name_use_prefix      = var.role_name_use_prefix
  role_path                 = var.role_path
  role_permissions_boundary = var.role_permissions_boundary

  layer_name         = "${var.name}-jwt-verify"
  layer_package_path = var.layer_package_path

  log_retention_in_days = var.authorizer_log_retention_in_days
  kms_key_id            = var.kms_key_id

  metric_namespace             = var.metric_namespace
  create_alarms                = var.create_alarms
  alarm_actions                = var.alarm_actions
  alarm_refusal_rate_threshold = var.alarm_refusal_rate_threshold

  tags = var.tags
}

# API Gateway's own JWT authorizer: v2.0 tokens of the home tenant, audiences and per-route scopes.
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
resource "aws_apigatewayv2_authorizer" "jwt" {
  count = var.use_native_jwt_authorizer ? 1 : 0

  name             = "${var.name}-jwt"
  api_id           = aws_apigatewayv2_api.this.id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = local.entra_v2_issuer
    audience = local.jwt_audiences
  }

  # Switching use_native_jwt_authorizer replaces one authorizer with the other. API Gateway refuses
  # to delete an authorizer a route still uses (409 ConflictException), and by default Terraform
  # deletes it before it moves the routes: this makes it update the routes first, then delete.
  lifecycle {
    create_before_destroy = true
  }
}

################################################################################
# Functions
################################################################################

module "response_function" {
  source = "./modules/response-function"
  count  = var.create_response_function ? 1 : 0

  name                  = "${var.name}-response"
  package_path          = var.response_package_path
  runtime               = var.runtime
  architecture          = var.architecture
  application_log_level = var.application_log_level
  system_log_level      = var.system_log_level

  create_role               = var.create_role
  role_arn                  = var.role_arn
  role_name_use_prefix      = var.role_name_use_prefix
  role_path                 = var.role_path
  role_permissions_boundary = var.role_permissions_boundary

  log_retention_in_days = var.response_log_retention_in_days
  kms_key_id            = var.kms_key_id

  tags = var.tags
}

# Answers the added OPTIONS routes: 204, no body, no backend (lambda-src/preflight/handler.ts).
module "preflight_function" {
  source = "./modules/function"
  count  = length(local.preflight_route_keys) > 0 ? 1 : 0

  name         = "${var.name}-preflight"
  description  = "Answers CORS preflight routes 204 without reaching a backend"
  package_path = "${path.module}/dist/preflight.zip"
  runtime      = var.runtime
  architecture = var.architecture

  application_log_level = var.application_log_level
  system_log_level      = var.system_log_level

  create_role               = var.create_role
  role_arn                  = var.role_arn
  role_name_use_prefix      = var.role_name_use_prefix
  role_path                 = var.role_path
  role_permissions_boundary = var.role_permissions_boundary

  log_retention_in_days = var.response_log_retention_in_days
  kms_key_id            = var.kms_key_id

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

# One Lambda proxy integration per route: its function_arn, or the sample backend.
resource "aws_apigatewayv2_integration" "this" {
  for_each = local.all_routes

  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = local.route_function_arns[each.key]
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.all_routes

  api_id    = aws_apigatewayv2_api.this.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"

  authorization_type   = each.value.authorization == "none" ? "NONE" : (var.use_native_jwt_authorizer ? "JWT" : "CUSTOM")
  authorizer_id        = each.value.authorization == "none" ? null : local.authorizer_id
  authorization_scopes = each.value.authorization != "none" && var.use_native_jwt_authorizer ? each.value.scopes : null
}

# API Gateway may invoke each route's backend for that route of this API only.
resource "aws_lambda_permission" "route" {
  for_each = local.all_routes

  statement_id  = "${var.name}-${substr(sha256(each.key), 0, 16)}"
  action        = "lambda:InvokeFunction"
  function_name = local.route_function_arns[each.key]
  principal     = "apigateway.amazonaws.com"
  source_arn    = local.route_source_arns[each.key]
}

################################################################################
# Stage
################################################################################

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit   = var.throttling_burst_limit
    throttling_rate_limit    = var.throttling_rate_limit
    detailed_metrics_enabled = var.detailed_metrics_enabled
  }

  dynamic "access_log_settings" {
    for_each = var.access_log_enabled ? [1] : []

    content {
      destination_arn = aws_cloudwatch_log_group.access_logs[0].arn
      format          = local.access_log_format
    }
  }

  tags = var.tags
}

################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "access_logs" {
  count = var.access_log_enabled ? 1 : 0

  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.access_log_retention_in_days
  kms_key_id        = var.kms_key_id

  tags = var.tags
}
