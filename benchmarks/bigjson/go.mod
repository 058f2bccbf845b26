module example.com/bigjson

go 1.19
