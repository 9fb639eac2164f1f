output "invoke_url" {
  description = "Base URL of the prod stage: call <invoke_url>/items with Authorization: Bearer <access token>."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "authorizer_function_name" {
  description = "Name of the authorizer function; its refusals are logged in /aws/lambda/<name>."
  value       = module.entra_authorizer.function_name
}

output "access_log_group_name" {
  description = "Log group of the stage's access logs, with the caller and the authorizer's error per request."
  value       = aws_cloudwatch_log_group.access.name
}
