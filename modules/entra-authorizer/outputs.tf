################################################################################
# Authorizer
################################################################################

output "authorizer_id" {
  description = "ID of the API Gateway authorizer: the authorizer_id of each route to protect, with authorization_type = \"CUSTOM\"."
  value       = aws_apigatewayv2_authorizer.this.id
}

output "identity_sources" {
  description = "Identity sources of the authorizer, which are also its cache key: the Authorization header, and $context.routeKey when route_permissions is set."
  value       = aws_apigatewayv2_authorizer.this.identity_sources
}

################################################################################
# Function
################################################################################

output "function_name" {
  description = "Name of the authorizer Lambda function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the authorizer Lambda function."
  value       = module.function.function_arn
}

output "environment_variables" {
  description = "Environment of the authorizer function (ENTRA_*, AUTHZ_*): its whole configuration, for example to run the authorizer locally with the same settings."
  value       = tomap(local.environment_variables)

  precondition {
    condition     = local.environment_bytes <= local.environment_limit
    error_message = "The authorizer's environment would be ${local.environment_bytes} bytes, and Lambda refuses more than ${local.environment_limit} (keys and values, measured as JSON); AUTHZ_ROUTE_PERMISSIONS alone is ${length(jsonencode(local.route_permissions))} characters before escaping. Shorten the route rules: route_permissions here (one \"*\" rule can serve every route that shares it), or the scopes, roles, clients and condition of routes in the root module; use fewer or shorter names per route."
  }
}

################################################################################
# IAM
################################################################################

output "role_name" {
  description = "Name of the authorizer's execution role, or null when create_role is false."
  value       = module.function.role_name
}

output "role_arn" {
  description = "ARN of the authorizer's execution role (created here, or role_arn)."
  value       = module.function.role_arn
}

output "role_permissions_boundary" {
  description = "Permissions boundary of the execution role created here, or null."
  value       = module.function.role_permissions_boundary
}

################################################################################
# Layer
################################################################################

output "layer_arn" {
  description = "ARN of the aws-jwt-verify layer version attached to the authorizer (published here, or the layer_arn passed in)."
  value       = local.layer_arn
}

################################################################################
# Logs
################################################################################

output "log_group_name" {
  description = "Name of the authorizer's CloudWatch log group."
  value       = module.function.log_group_name
}

output "log_group_arn" {
  description = "ARN of the authorizer's CloudWatch log group."
  value       = module.function.log_group_arn
}

################################################################################
# Monitoring
################################################################################

output "metric_namespace" {
  description = "CloudWatch namespace of the authorizer's log metrics: Refusals, RefusalsByReason (dimension Reason), JwksUnavailable, InvalidConfiguration and Errors."
  value       = local.metric_namespace
}

output "alarm_arns" {
  description = "ARNs of the alarms by name (jwks-unavailable, invalid-configuration, refusal-rate, throttles, errors); empty when create_alarms is false."
  value = merge(
    { for alarm in aws_cloudwatch_metric_alarm.jwks_unavailable : "jwks-unavailable" => alarm.arn },
    { for alarm in aws_cloudwatch_metric_alarm.invalid_configuration : "invalid-configuration" => alarm.arn },
    { for alarm in aws_cloudwatch_metric_alarm.refusal_rate : "refusal-rate" => alarm.arn },
    { for metric, alarm in aws_cloudwatch_metric_alarm.lambda : lower(metric) => alarm.arn },
  )
}
