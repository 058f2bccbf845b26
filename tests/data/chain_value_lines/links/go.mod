module example.com/chainlinks

go 1.19
