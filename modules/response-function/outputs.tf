################################################################################
# Function
################################################################################

output "function_name" {
  description = "Name of the Lambda function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function: the integration_uri of a Lambda proxy integration of an HTTP API."
  value       = module.function.function_arn
}

output "invoke_arn" {
  description = "Invoke ARN of the Lambda function (apigateway:…:lambda:path/…/invocations)."
  value       = module.function.invoke_arn
}

################################################################################
# IAM
################################################################################

output "role_name" {
  description = "Name of the function's execution role, or null when create_role is false."
  value       = module.function.role_name
}

output "role_arn" {
  description = "ARN of the function's execution role (created here, or role_arn)."
  value       = module.function.role_arn
}

output "role_permissions_boundary" {
  description = "Permissions boundary of the execution role created here, or null."
  value       = module.function.role_permissions_boundary
}

################################################################################
# Logs
################################################################################

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = module.function.log_group_name
}

output "log_group_arn" {
  description = "ARN of the function's CloudWatch log group."
  value       = module.function.log_group_arn
}
