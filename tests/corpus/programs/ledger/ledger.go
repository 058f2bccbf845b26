// Package ledger is a tiny package whose tests fail, for `go test` failures
// in the stackdemux corpus.
package ledger

import "fmt"

type Account struct {
	ID      int
	Balance int
}

func (a *Account) Withdraw(n int) {
	if n > a.Balance {
		panic(fmt.Sprintf("ledger: negative balance %d for account %d", a.Balance-n, a.ID))
	}
	a.Balance -= n
}

func Transfer(from, to *Account, n int) {
	from.Withdraw(n)
	to.Balance += n
}
