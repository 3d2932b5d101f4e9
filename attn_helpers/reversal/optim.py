"""Adam and max-norm gradient clipping written out by hand (Chapter 4), usable with ``training.fit``."""
import torch


class Adam(torch.optim.Optimizer):
    """Adam (Kingma & Ba): running means of the gradient and its square, bias-corrected.

    ``torch_order=True`` evaluates the update with the same operations, in the same order, as
    ``torch.optim.Adam``'s single-tensor path, so the two agree bit for bit; ``False`` uses the
    textbook formula, equal in exact arithmetic but rounded differently.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, torch_order: bool = True):
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got {lr}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"betas[{i}] must be in [0, 1), got {beta}")
        if not eps > 0:
            raise ValueError(f"eps must be > 0, got {eps}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, torch_order=torch_order))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad, state = p.grad, self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)  # m: mean of the gradient
                    state["exp_avg_sq"] = torch.zeros_like(p)  # v: mean of its square
                state["step"] += 1
                m, v, t = state["exp_avg"], state["exp_avg_sq"], state["step"]
                bias1, bias2 = 1 - beta1 ** t, 1 - beta2 ** t
                if group["torch_order"]:
                    m.lerp_(grad, 1 - beta1)  # m + (1 - beta1) (g - m)
                    v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                    denom = (v.sqrt() / bias2 ** 0.5).add_(eps)
                    p.addcdiv_(m, denom, value=-lr / bias1)
                else:
                    m.copy_(beta1 * m + (1 - beta1) * grad)
                    v.copy_(beta2 * v + (1 - beta2) * grad * grad)
                    p.sub_(lr * (m / bias1) / (torch.sqrt(v / bias2) + eps))
        return loss


def clip_grad_max_norm(parameters, max_norm: float = 1.0) -> torch.Tensor:
    """Scale all gradients together so that their joint L2 norm is at most ``max_norm``.

    The joint norm is ``sqrt(sum of squared entries)`` over every gradient; the scale is
    ``min(1, max_norm / (norm + 1e-6))``. Returns the norm before clipping.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    scale = torch.clamp(max_norm / (norm + 1e-6), max=1.0)
    for g in grads:
        g.mul_(scale)
    return norm
