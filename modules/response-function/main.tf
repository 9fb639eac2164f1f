locals {
  # The repository's dist/ folder, two levels up; see modules/jwt-verify-layer/main.tf.
  package_path = coalesce(var.package_path, "${path.module}/../../dist/response.zip")
}

################################################################################
# Function
################################################################################

module "function" {
  source = "../function"

  name         = var.name
  description  = var.description
  package_path = local.package_path
  runtime      = var.runtime
  architecture = var.architecture
  memory_size  = var.memory_size
  timeout      = var.timeout

  application_log_level = var.application_log_level
  system_log_level      = var.system_log_level

  create_role               = var.create_role
  role_arn                  = var.role_arn
  role_name                 = var.role_name
  role_name_use_prefix      = var.role_name_use_prefix
  role_path                 = var.role_path
  role_permissions_boundary = var.role_permissions_boundary

  log_retention_in_days = var.log_retention_in_days
  kms_key_id            = var.kms_key_id

  tags = var.tags
}
