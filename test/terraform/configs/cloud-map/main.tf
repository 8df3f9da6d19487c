# Cloud Map: all three namespace types, services with DNS and health settings, instances.
resource "aws_vpc" "main" {
  cidr_block           = "10.60.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_service_discovery_private_dns_namespace" "private" {
  name        = "tf.internal"
  description = "private ${var.suffix}"
  vpc         = aws_vpc.main.id
  tags        = { Env = var.suffix }
}

resource "aws_service_discovery_public_dns_namespace" "public" {
  name        = "tf-public.example.com"
  description = "public ${var.suffix}"
}

# The provider replaces an HTTP namespace whose description changes, so only its tags change here.
resource "aws_service_discovery_http_namespace" "http" {
  name        = "tf-http"
  description = "http"
  tags        = { Env = var.suffix }
}

resource "aws_service_discovery_service" "dns" {
  name        = "backend"
  description = "backend ${var.suffix}"
  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.private.id
    routing_policy = "MULTIVALUE"
    dns_records {
      ttl  = var.suffix == "two" ? 30 : 10
      type = "A"
    }
  }
  health_check_custom_config {
    failure_threshold = 1
  }
  tags = { Env = var.suffix }
}

resource "aws_service_discovery_service" "http" {
  name         = "api"
  namespace_id = aws_service_discovery_http_namespace.http.id
  description  = "api ${var.suffix}"
}

resource "aws_service_discovery_instance" "one" {
  instance_id = "one"
  service_id  = aws_service_discovery_service.dns.id
  attributes = {
    AWS_INSTANCE_IPV4 = var.suffix == "two" ? "10.60.0.11" : "10.60.0.10"
    AWS_INSTANCE_PORT = "8080"
  }
}

resource "aws_service_discovery_instance" "api" {
  instance_id = "api-1"
  service_id  = aws_service_discovery_service.http.id
  attributes = {
    AWS_INSTANCE_IPV4 = "10.60.0.20"
    stage             = var.suffix
  }
}

data "aws_service_discovery_dns_namespace" "private" {
  name = aws_service_discovery_private_dns_namespace.private.name
  type = "DNS_PRIVATE"
}

data "aws_service_discovery_http_namespace" "http" {
  name = aws_service_discovery_http_namespace.http.name
}

data "aws_service_discovery_service" "dns" {
  name         = aws_service_discovery_service.dns.name
  namespace_id = aws_service_discovery_private_dns_namespace.private.id
}

output "hosted_zone" { value = aws_service_discovery_private_dns_namespace.private.hosted_zone }
