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

output "invoke_arn" {
  description = "ARN API Gateway invokes the function by (an authorizer's authorizer_uri)."
  value       = module.function.invoke_arn
}

output "environment_variables" {
  description = "Environment of the authorizer function (ENTRA_*, AUTHZ_*): its whole configuration."
  value       = tomap(local.environment_variables)

  precondition {
    condition     = local.environment_bytes <= local.environment_limit
    error_message = "The authorizer's environment would be ${local.environment_bytes} bytes, and Lambda refuses more than ${local.environment_limit} (keys and values, measured as JSON); its rules alone are ${local.rules_characters} characters before escaping. Shorten them: one \"*\" rule can serve every route or field that shares it; use fewer or shorter scopes, roles, clients and conditions."
  }
}

output "function_environment_variables" {
  description = "Environment the function was given: the same as environment_variables."
  value       = module.function.environment_variables
}

output "layers" {
  description = "Layer version ARNs attached to the function."
  value       = module.function.layers
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
  description = "CloudWatch namespace of the authorizer's log metrics: Refusals, RefusalsByReason (dimension Reason), JwksUnavailable, InvalidConfiguration, Errors and Unauthorized."
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
