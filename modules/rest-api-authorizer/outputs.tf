################################################################################
# Authorizer
################################################################################

output "authorizer_id" {
  description = "ID of the REST API authorizer: the authorizer_id of each method to protect, with authorization = \"CUSTOM\"."
  value       = aws_api_gateway_authorizer.this.id
}

output "identity_source" {
  description = "Identity sources of the authorizer, which are also its cache key: the Authorization header, and with a REQUEST authorizer and route rules context.httpMethod and context.resourcePath."
  value       = aws_api_gateway_authorizer.this.identity_source
}

output "cache_key" {
  description = "What API Gateway caches an answer under: token (each answer names every method) or route (the token, the method and the resource)."
  value       = local.cache_key
}

output "gateway_response_ids" {
  description = "IDs of the UNAUTHORIZED and ACCESS_DENIED gateway responses by type (empty when create_gateway_responses is false): put them in your aws_api_gateway_deployment's triggers, since a change reaches callers with the next deployment."
  value       = { for type, response in aws_api_gateway_gateway_response.this : type => response.id }
}

################################################################################
# Function
################################################################################

output "function_name" {
  description = "Name of the authorizer Lambda function."
  value       = module.lambda.function_name
}

output "function_arn" {
  description = "ARN of the authorizer Lambda function."
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
