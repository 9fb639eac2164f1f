terraform {
  # 1.9, as every module of this repository; no provider: this module only computes.
  required_version = ">= 1.9"
}
