# Interface endpoints for both endpoint services: policy, private DNS, security groups.
data "aws_vpc_endpoint_service" "appmesh" {
  service      = "appmesh"
  service_type = "Interface"
}

data "aws_vpc_endpoint_service" "envoy" {
  service_name = "com.amazonaws.us-east-1.appmesh-envoy-management"
}

resource "aws_vpc" "main" {
  cidr_block           = "127.150.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "127.150.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "127.150.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_security_group" "endpoint" {
  name        = "endpoint"
  description = "who may reach the endpoints"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}

resource "aws_security_group" "extra" {
  name        = "extra"
  description = "added on update"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_endpoint" "appmesh" {
  vpc_id              = aws_vpc.main.id
  service_name        = data.aws_vpc_endpoint_service.appmesh.service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.suffix == "two" ? [aws_subnet.a.id, aws_subnet.b.id] : [aws_subnet.a.id]
  security_group_ids  = var.suffix == "two" ? [aws_security_group.endpoint.id, aws_security_group.extra.id] : [aws_security_group.endpoint.id]
  private_dns_enabled = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = var.suffix == "two" ? ["appmesh:Describe*", "appmesh:List*"] : ["appmesh:*"]
      Resource  = "*"
    }]
  })
  tags = { Name = "appmesh-${var.suffix}" }
}

resource "aws_vpc_endpoint" "envoy" {
  vpc_id              = aws_vpc.main.id
  service_name        = data.aws_vpc_endpoint_service.envoy.service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = [aws_subnet.a.id, aws_subnet.b.id]
  security_group_ids  = [aws_security_group.endpoint.id]
  private_dns_enabled = var.suffix == "two"
}

data "aws_vpc_endpoint" "appmesh" {
  id = aws_vpc_endpoint.appmesh.id
}

output "appmesh_dns" { value = aws_vpc_endpoint.appmesh.dns_entry[0].dns_name }
output "endpoint_state" { value = data.aws_vpc_endpoint.appmesh.state }
