locals {
  # The repository's dist/ folder, two levels up. Terraform resolves ../ lexically inside the module
  # package, so this works by relative path, by git (…//modules/jwt-verify-layer) and by an absolute
  # path written with // (/path/to/repo//modules/jwt-verify-layer); see docs/terraform.md.
  package_path = coalesce(var.package_path, "${path.module}/../../dist/jwt-verify-layer.zip")
}

################################################################################
# Layer
################################################################################

# A layer version is immutable: a new package (new hash) publishes a new version, and functions
# that reference this resource's ARN move to it on the same apply.
resource "aws_lambda_layer_version" "this" {
  layer_name  = var.name
  description = var.description

  filename         = local.package_path
  source_code_hash = filebase64sha256(local.package_path)

  compatible_runtimes      = var.compatible_runtimes
  compatible_architectures = var.compatible_architectures
  license_info             = var.license_info
}
