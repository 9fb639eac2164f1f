terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      # 5.77.0: the first release whose aws_lambda_function accepts runtime = "nodejs22.x" (the
      # default); logging_config arrived earlier, in 5.32.0. See docs/terraform.md.
      source  = "hashicorp/aws"
      version = ">= 5.77.0, < 7.0"
    }
  }
}
