################################################################################
# Authorizer
################################################################################

output "authorizer_id" {
  description = "ID of the API Gateway authorizer: the authorizer_id of each route to protect, with authorization_type = \"CUSTOM\"."
  value       = aws_apigatewayv2_authorizer.this.id
}

output "identity_sources" {
  description = "Identity sources of the authorizer, which are also its cache key."
  value       = aws_apigatewayv2_authorizer.this.identity_sources
}

################################################################################
# Function
################################################################################

output "function_name" {
  description = "Name of the authorizer Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the authorizer Lambda function."
  value       = aws_lambda_function.this.arn
}

output "environment_variables" {
  description = "Environment of the authorizer function (ENTRA_*, AUTHZ_*, LOG_LEVEL): its whole configuration, e.g. to run the authorizer locally with the same settings."
  value       = aws_lambda_function.this.environment[0].variables
}

output "role_name" {
  description = "Name of the authorizer's IAM execution role."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the authorizer's IAM execution role."
  value       = aws_iam_role.this.arn
}

################################################################################
# Layer
################################################################################

output "layer_arn" {
  description = "ARN of the aws-jwt-verify layer version attached to the authorizer (created here, or the layer_arn passed in)."
  value       = one(aws_lambda_function.this.layers)
}

################################################################################
# Logs
################################################################################

output "log_group_name" {
  description = "Name of the authorizer's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the authorizer's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.arn
}
