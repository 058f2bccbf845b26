module crashers

go 1.19
