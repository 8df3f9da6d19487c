# VPC, subnets and a security group with inline rules (IPv4, IPv6, prefix lists, group references).
resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = var.suffix == "two"
  tags                 = { Name = "tf-${var.suffix}" }
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "a-${var.suffix}" }
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"
  tags              = { Name = "b-${var.suffix}" }
}

data "aws_availability_zones" "zones" {
  state = "available"
}

data "aws_vpc" "main" {
  id = aws_vpc.main.id
}

data "aws_subnets" "in_vpc" {
  filter {
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }
  depends_on = [aws_subnet.a, aws_subnet.b]
}

data "aws_prefix_list" "s3" {
  name = "com.amazonaws.us-east-1.s3"
}

resource "aws_security_group" "peer" {
  name        = "peer"
  description = "peer group"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "web tier"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "https ${var.suffix}"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }

  ingress {
    from_port        = 8080
    to_port          = var.suffix == "two" ? 8081 : 8080
    protocol         = "tcp"
    ipv6_cidr_blocks = ["2001:db8::/32"]
  }

  ingress {
    from_port       = 9000
    to_port         = 9000
    protocol        = "tcp"
    security_groups = [aws_security_group.peer.id]
  }

  egress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = [data.aws_prefix_list.s3.id]
  }

  tags = { Tier = var.suffix }
}

# A group with the provider's defaults: it revokes the default egress rule itself.
resource "aws_security_group" "empty" {
  name_prefix = "empty-"
  vpc_id      = aws_vpc.main.id
  tags        = { Name = "empty-${var.suffix}" }
}

resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
  ingress {
    protocol  = -1
    self      = true
    from_port = 0
    to_port   = 0
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

output "zones" { value = data.aws_availability_zones.zones.names }
output "subnets" { value = length(data.aws_subnets.in_vpc.ids) }
output "vpc_cidr" { value = data.aws_vpc.main.cidr_block }
