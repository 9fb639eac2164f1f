################################################################################
# Function
################################################################################

output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function (unqualified)."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "ARN API Gateway uses to invoke the function (an authorizer's authorizer_uri)."
  value       = aws_lambda_function.this.invoke_arn
}

output "environment_variables" {
  description = "Environment of the function."
  value       = try(aws_lambda_function.this.environment[0].variables, {})
}

output "layers" {
  description = "Layer version ARNs attached to the function."
  value       = aws_lambda_function.this.layers
}

################################################################################
# IAM
################################################################################

output "role_name" {
  description = "Name of the execution role created here, or null when create_role is false."
  value       = try(aws_iam_role.this[0].name, null)
}

output "role_arn" {
  description = "ARN of the execution role: the one created here, or role_arn."
  value       = local.role_arn
}

output "role_permissions_boundary" {
  description = "Permissions boundary of the execution role created here, or null (none, or create_role is false)."
  # The provider reads a role without a boundary back as "", where the configuration, and so the
  # state after the apply that created it, has null: both mean none, so that the output does not
  # change at the first refresh.
  value = one([for role in aws_iam_role.this : role.permissions_boundary if role.permissions_boundary != null && role.permissions_boundary != ""])
}

################################################################################
# Logs
################################################################################

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.arn
}
