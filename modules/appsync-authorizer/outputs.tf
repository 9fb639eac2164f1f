################################################################################
# Authorizer
################################################################################

output "authorizer_result_ttl_in_seconds" {
  description = "The cache_ttl_seconds this authorizer was configured with: your API's lambda_authorizer_config.authorizer_result_ttl_in_seconds, so AppSync never caches longer than the authorizer's ttlOverride allows."
  value       = var.cache_ttl_seconds
}

################################################################################
# Function
################################################################################

output "function_name" {
  description = "Name of the authorizer Lambda function."
  value       = module.lambda.function_name
}

output "function_arn" {
  description = "ARN of the authorizer Lambda function: your API's lambda_authorizer_config.authorizer_uri."
  value       = module.lambda.function_arn
}

output "environment_variables" {
  description = "Environment of the authorizer function (ENTRA_*, AUTHZ_*): its whole configuration."
  value       = module.lambda.environment_variables
}

################################################################################
# IAM
################################################################################

output "role_name" {
  description = "Name of the authorizer's execution role, or null when create_role is false."
  value       = module.lambda.role_name
}

output "role_arn" {
  description = "ARN of the authorizer's execution role (created here, or role_arn)."
  value       = module.lambda.role_arn
}

################################################################################
# Layer
################################################################################

output "layer_arn" {
  description = "ARN of the aws-jwt-verify layer version attached to the authorizer."
  value       = module.lambda.layer_arn
}

################################################################################
# Logs
################################################################################

output "log_group_name" {
  description = "Name of the authorizer's CloudWatch log group."
  value       = module.lambda.log_group_name
}

################################################################################
# Monitoring
################################################################################

output "metric_namespace" {
  description = "CloudWatch namespace of the authorizer's log metrics: Refusals, RefusalsByReason (dimension Reason), JwksUnavailable, InvalidConfiguration, Errors and Unauthorized."
  value       = module.lambda.metric_namespace
}

output "alarm_arns" {
  description = "ARNs of the alarms by name (jwks-unavailable, invalid-configuration, refusal-rate, throttles, errors); empty when create_alarms is false."
  value       = module.lambda.alarm_arns
}
