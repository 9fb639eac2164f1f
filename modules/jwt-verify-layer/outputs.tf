################################################################################
# Layer
################################################################################

output "layer_arn" {
  description = "ARN of the layer version, with its version number (arn:…:layer:<name>:<version>): the value a function's layers takes."
  value       = aws_lambda_layer_version.this.arn
}

output "layer_version" {
  description = "Version number of the layer version."
  value       = aws_lambda_layer_version.this.version
}
