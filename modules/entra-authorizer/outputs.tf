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
  value       = module.lambda.function_name
}

output "function_arn" {
  description = "ARN of the authorizer Lambda function."
  value       = module.lambda.function_arn
}

output "environment_variables" {
  description = "Environment of the authorizer function (ENTRA_*, AUTHZ_*): its whole configuration, for example to run the authorizer locally with the same settings."
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

output "role_permissions_boundary" {
  description = "Permissions boundary of the execution role created here, or null."
  value       = module.lambda.role_permissions_boundary
}

################################################################################
# Layer
################################################################################

output "layer_arn" {
  description = "ARN of the aws-jwt-verify layer version attached to the authorizer (published here, or the layer_arn passed in)."
  value       = module.lambda.layer_arn
}

################################################################################
# Logs
################################################################################

output "log_group_name" {
  description = "Name of the authorizer's CloudWatch log group."
  value       = module.lambda.log_group_name
}

output "log_group_arn" {
  description = "ARN of the authorizer's CloudWatch log group."
  value       = module.lambda.log_group_arn
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
