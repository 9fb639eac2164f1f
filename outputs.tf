################################################################################
# Entra ID
################################################################################

output "entra_authority_host" {
  description = "Entra authority host the tokens come from: authority_host, or the host of cloud (public login.microsoftonline.com, usgov login.microsoftonline.us, china login.chinacloudapi.cn)."
  value       = local.entra_authority_host
}

output "entra_clouds" {
  description = "Entra's authority host and v2 issuer host for each cloud: the table the module uses, and the native JWT authorizer's issuer comes from."
  value       = local.entra_clouds
}

################################################################################
# Authorizer
################################################################################

output "authorizer_id" {
  description = "ID of the API Gateway authorizer of the entra routes: the Lambda (REQUEST) authorizer, or the JWT authorizer when use_native_jwt_authorizer is true."
  value       = local.authorizer_id
}

output "authorizer_identity_sources" {
  description = "Identity sources of the authorizer, which are also the Lambda authorizer's cache key: the Authorization header, and $context.routeKey when routes have rules."
  value       = var.use_native_jwt_authorizer ? aws_apigatewayv2_authorizer.jwt[0].identity_sources : module.entra_authorizer[0].identity_sources
}

output "authorizer_environment_variables" {
  description = "Environment of the Lambda authorizer (ENTRA_*, AUTHZ_*), its whole configuration; null with the native JWT authorizer."
  value       = try(module.entra_authorizer[0].environment_variables, null)
}

output "authorizer_function_name" {
  description = "Name of the authorizer Lambda function, or null with the native JWT authorizer."
  value       = try(module.entra_authorizer[0].function_name, null)
}

output "authorizer_function_arn" {
  description = "ARN of the authorizer Lambda function, or null with the native JWT authorizer."
  value       = try(module.entra_authorizer[0].function_arn, null)
}

output "authorizer_log_group_name" {
  description = "Name of the authorizer's log group (/aws/lambda/<name>-authorizer), or null with the native JWT authorizer."
  value       = try(module.entra_authorizer[0].log_group_name, null)
}

output "authorizer_log_group_arn" {
  description = "ARN of the authorizer's log group, or null with the native JWT authorizer."
  value       = try(module.entra_authorizer[0].log_group_arn, null)
}

output "layer_arn" {
  description = "ARN of the aws-jwt-verify layer version the authorizer uses, or null with the native JWT authorizer."
  value       = try(module.entra_authorizer[0].layer_arn, null)
}

################################################################################
# Functions
################################################################################

output "response_function_name" {
  description = "Name of the sample backend Lambda function, or null when create_response_function is false."
  value       = try(module.response_function[0].function_name, null)
}

output "response_function_arn" {
  description = "ARN of the sample backend Lambda function, or null when create_response_function is false."
  value       = try(module.response_function[0].function_arn, null)
}

output "response_log_group_name" {
  description = "Name of the sample backend's log group, or null when it is not created."
  value       = try(module.response_function[0].log_group_name, null)
}

output "response_log_group_arn" {
  description = "ARN of the sample backend's log group, or null when it is not created."
  value       = try(module.response_function[0].log_group_arn, null)
}

################################################################################
# IAM
################################################################################

output "iam_roles" {
  description = "Execution roles by function (authorizer, response, preflight), each { name, arn, permissions_boundary }; name and permissions_boundary are null when create_role is false. A function that is not deployed has no entry."
  value = merge(
    {
      for authorizer in module.entra_authorizer : "authorizer" => {
        name                 = authorizer.role_name
        arn                  = authorizer.role_arn
        permissions_boundary = authorizer.role_permissions_boundary
      }
    },
    {
      for response in module.response_function : "response" => {
        name                 = response.role_name
        arn                  = response.role_arn
        permissions_boundary = response.role_permissions_boundary
      }
    },
    {
      for preflight in module.preflight_function : "preflight" => {
        name                 = preflight.role_name
        arn                  = preflight.role_arn
        permissions_boundary = preflight.role_permissions_boundary
      }
    },
  )
}

################################################################################
# API
################################################################################

output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_arn" {
  description = "ARN of the HTTP API (arn:aws:apigateway:<region>::/apis/<id>), for IAM policies on its management."
  value       = aws_apigatewayv2_api.this.arn
}

output "api_endpoint" {
  description = "Base URL of the HTTP API (https://<api id>.execute-api.<region>.amazonaws.com). The $default stage is served at its root, so no stage name is appended."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "api_execution_arn" {
  description = "Execution ARN of the HTTP API, the prefix of the source ARN in a Lambda permission."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "route_urls" {
  description = "A URL to call each route, by route key, such as { \"GET /auth\" = \"https://<api id>.execute-api.<region>.amazonaws.com/auth\" }. Path parameters stay as written ({id}, {proxy+}): replace them before calling. The $default route maps to the API root."
  value = {
    for route in keys(var.routes) : route => (
      route == "$default" ? "${aws_apigatewayv2_api.this.api_endpoint}/" : "${aws_apigatewayv2_api.this.api_endpoint}${split(" ", route)[1]}"
    )
  }
}

output "routes" {
  description = "Every route of the API by route key, the added preflight routes included: { route_id, authorization_type (CUSTOM, JWT or NONE), authorizer_id, integration_id, function_arn (its backend), source_arn (the execute-api ARN its backend's invoke permission is scoped to) }."
  value = {
    for key, route in aws_apigatewayv2_route.this : key => {
      route_id           = route.id
      authorization_type = route.authorization_type
      authorizer_id      = route.authorizer_id
      integration_id     = aws_apigatewayv2_integration.this[key].id
      function_arn       = aws_apigatewayv2_integration.this[key].integration_uri
      source_arn         = aws_lambda_permission.route[key].source_arn
    }
  }
}

output "preflight_routes" {
  description = "Public OPTIONS routes the module added so that CORS preflight requests reach API Gateway's CORS handling instead of an authorizer (for ANY and $default entra routes when cors_configuration is set). Their integration is the preflight function, which answers 204 and reaches no backend."
  value       = local.preflight_route_keys
}

output "preflight_function_name" {
  description = "Name of the function behind the added OPTIONS routes (<name>-preflight), or null when there are none."
  value       = try(module.preflight_function[0].function_name, null)
}

################################################################################
# Stage
################################################################################

output "stage_id" {
  description = "ID of the $default stage."
  value       = aws_apigatewayv2_stage.this.id
}

output "stage_arn" {
  description = "ARN of the $default stage, for example for a WAF web ACL association."
  value       = aws_apigatewayv2_stage.this.arn
}

output "stage_invoke_url" {
  description = "Invoke URL of the $default stage."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

################################################################################
# Logs
################################################################################

output "access_log_group_name" {
  description = "Name of the API access log group, or null when access_log_enabled is false."
  value       = try(aws_cloudwatch_log_group.access_logs[0].name, null)
}

output "access_log_group_arn" {
  description = "ARN of the API access log group, or null when access_log_enabled is false."
  value       = try(aws_cloudwatch_log_group.access_logs[0].arn, null)
}

################################################################################
# Monitoring
################################################################################

output "metric_namespace" {
  description = "CloudWatch namespace of the authorizer's log metrics, or null with the native JWT authorizer."
  value       = try(module.entra_authorizer[0].metric_namespace, null)
}

output "alarm_arns" {
  description = "ARNs of the authorizer's alarms by name; empty when create_alarms is false or with the native JWT authorizer."
  value       = try(module.entra_authorizer[0].alarm_arns, {})
}
